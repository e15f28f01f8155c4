/**
 * 热线接报: the 12345-6 hotline files a report for any community of its district, or an
 * unlocated one (地点不明) that district staff route to a community. The same step-by-step
 * form as the community director's (pages/director/NewReportPage), with the community
 * picker and the hotline as the reporter type; phone-friendly like it.
 */
import { ReportWizard } from '../director/NewReportPage';

export default function HotlineReportPage() {
  return <ReportWizard variant="hotline" />;
}
