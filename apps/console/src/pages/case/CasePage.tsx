import { useParams } from 'react-router';
import { CaseView } from './CaseView';

/** /cases/:id — the case page of supervisors and district staff (directors may open it too). */
export default function CasePage() {
  const { id } = useParams<{ id: string }>();
  return <CaseView key={id} caseId={id as string} />;
}
