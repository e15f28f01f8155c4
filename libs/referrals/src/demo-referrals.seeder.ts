import { Injectable, Logger } from '@nestjs/common';
import { CaseQueriesService, CaseStatus } from '@shouhu/cases';
import { AgencyService, DEMO_AGENCIES, OrgService } from '@shouhu/org';
import { ReferralStatus } from './domain';
import { ReferralsService } from './referrals.service';

/** One demo referral per state, each to another demo agency (DEMO_AGENCIES order): what the liaisons' inboxes show. */
const PLAN: { state: ReferralStatus; service: string; note: string }[] = [
  { state: ReferralStatus.Pending, service: '协助核查家庭情况 (help check the family)', note: '请协助了解家庭成员情况并反馈 (demo)' },
  { state: ReferralStatus.Accepted, service: '在校关注与心理支持 (care and support at school)', note: '请班主任每周关注儿童在校情况 (demo)' },
  { state: ReferralStatus.Declined, service: '体检与营养评估 (health check)', note: '请安排一次体检与营养评估 (demo)' },
  { state: ReferralStatus.Done, service: '人身安全保护令咨询 (protection order advice)', note: '请就保护令申请提供指导 (demo)' },
  { state: ReferralStatus.Revoked, service: '家庭教育指导 (family guidance)', note: '请安排家庭教育指导 (demo)' },
];

/**
 * Demo referrals in every state, through the same service the API uses. Runs once: a
 * district that already has referrals is left alone; without demo cases it does nothing.
 */
@Injectable()
export class DemoReferralsSeeder {
  private readonly logger = new Logger(DemoReferralsSeeder.name);

  constructor(
    private readonly referrals: ReferralsService,
    private readonly agencies: AgencyService,
    private readonly queries: CaseQueriesService,
    private readonly org: OrgService,
  ) {}

  async seed(): Promise<{ created: number; skipped: boolean }> {
    const district = await this.org.actorByUsername('district1');
    if (!district) return { created: 0, skipped: true };
    if ((await this.referrals.list(district, { limit: 1 })).items.length > 0) return { created: 0, skipped: true };
    const cases = await this.queries.list(district, { status: [CaseStatus.Assessing, CaseStatus.Intervening, CaseStatus.FollowUp], limit: PLAN.length });
    const byName = new Map((await this.agencies.list(district)).map((a) => [a.name, a]));
    let created = 0;
    for (const [i, step] of PLAN.entries()) {
      const c = cases.items[i];
      const demo = DEMO_AGENCIES[i % DEMO_AGENCIES.length];
      const agency = byName.get(demo.name);
      const liaison = await this.org.actorByUsername(demo.liaison);
      if (!c || !agency || !liaison) break;
      const r = await this.referrals.create(district, c.id, { agencyId: agency.id, service: step.service, note: step.note });
      created += 1;
      if (step.state === ReferralStatus.Revoked) {
        await this.referrals.revoke(district, r.id, { reason: '已由社区自行安排 (arranged by the community instead)' });
        continue;
      }
      if (step.state === ReferralStatus.Declined) {
        await this.referrals.respond(liaison, r.id, { decision: 'decline', reason: '不属于本单位职责范围 (outside this agency’s remit)' });
        continue;
      }
      if (step.state === ReferralStatus.Pending) continue;
      await this.referrals.respond(liaison, r.id, { decision: 'accept' });
      if (step.state === ReferralStatus.Done)
        await this.referrals.complete(liaison, r.id, { outcome: '已提供咨询并协助提交申请 (advice given, application filed)' });
    }
    this.logger.log(`demo referrals: ${created} created`);
    return { created, skipped: false };
  }
}
