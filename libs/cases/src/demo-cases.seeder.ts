import { Injectable, Logger } from '@nestjs/common';
import { Actor } from '@shouhu/access';
import { DEMO_STREETS, OrgService } from '@shouhu/org';
import { CaseApprovalsService } from './case-approvals.service';
import { CaseGuardiansService } from './case-guardians.service';
import { CaseIntakeService } from './case-intake.service';
import { CaseQueriesService } from './case-queries.service';
import { CaseRecordsService } from './case-records.service';
import { CaseTransitionsService } from './case-transitions.service';
import { CaseStatus, ClosureReason, FeedbackChannel, GuardianRelation, MeasureStatus, MeasureType, ReporterType, RiskLevel, Sex, VisitKind } from './domain';
import { CaseAction } from './workflow';
import type { CreateCaseDto, GuardianDto } from './dto/case.dto';

/** Where a demo case is taken to. */
type Stage = 'draft' | 'submitted' | 'returned' | 'assessing' | 'planned' | 'awaiting_approval' | 'intervening' | 'follow_up' | 'closed' | 'unsubstantiated';

const STAGES: Stage[] = [
  'submitted',
  'assessing',
  'intervening',
  'follow_up',
  'draft',
  'returned',
  'planned',
  'awaiting_approval',
  'closed',
  'unsubstantiated',
];

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
const GIVEN = ['小明', '思雨', '子涵', '浩然', '欣怡', '宇轩', '梓萱', '一诺', '俊杰', '雨桐', '嘉怡', '晨曦', '天佑', '诗琪', '博文'];

const SCENARIOS: { categories: string[]; mandatoryItems: number[]; risk: RiskLevel; reporter: ReporterType; narrative: string }[] = [
  {
    categories: ['N04'],
    mandatoryItems: [],
    risk: RiskLevel.R3,
    reporter: ReporterType.InternalDiscovery,
    narrative: '入户走访发现父母外出务工，委托的亲属照护不当、联系不足每周一次。',
  },
  {
    categories: ['V01'],
    mandatoryItems: [4],
    risk: RiskLevel.R1,
    reporter: ReporterType.MandatoryInstitution,
    narrative: '学校发现儿童身上多处淤青，疑似家庭暴力。',
  },
  {
    categories: ['D05', 'N04'],
    mandatoryItems: [],
    risk: RiskLevel.R4,
    reporter: ReporterType.InternalDiscovery,
    narrative: '留守儿童，祖父母照料能力有限，需要帮扶。',
  },
  {
    categories: ['V03', 'N05'],
    mandatoryItems: [],
    risk: RiskLevel.R2,
    reporter: ReporterType.MandatoryStaff,
    narrative: '卫生院医生反映儿童严重营养不良，疑似虐待。',
  },
  { categories: ['D08'], mandatoryItems: [], risk: RiskLevel.R4, reporter: ReporterType.Guardian, narrative: '低保家庭申请困境儿童生活补贴。' },
  { categories: ['N03'], mandatoryItems: [], risk: RiskLevel.R2, reporter: ReporterType.Public, narrative: '邻居反映未满16周岁儿童单独居住。' },
];

/**
 * The household of a demo case, by scenario (index into SCENARIOS): the violence case's
 * father is the suspected perpetrator; a few scenarios record no one yet.
 */
function demoGuardians(scenario: number, surname: string, n: number): GuardianDto[] {
  const phone = (k: number) => `1390000${String(n * 10 + k).padStart(4, '0')}`;
  switch (scenario) {
    case 0:
      return [{ name: `${surname}奶奶`, relation: GuardianRelation.Grandparent, phone: phone(1), livesWithChild: true, suspectedPerpetrator: false }];
    case 1:
      return [
        { name: `${surname}父`, relation: GuardianRelation.Father, phone: phone(1), livesWithChild: true, suspectedPerpetrator: true },
        { name: `${surname}母`, relation: GuardianRelation.Mother, phone: phone(2), livesWithChild: true, suspectedPerpetrator: false },
      ];
    case 2:
      return [
        { name: `${surname}爷爷`, relation: GuardianRelation.Grandparent, livesWithChild: true, suspectedPerpetrator: false },
        { name: `${surname}父`, relation: GuardianRelation.Father, phone: phone(2), livesWithChild: false, suspectedPerpetrator: false },
      ];
    case 3:
      return [{ name: `${surname}母`, relation: GuardianRelation.Mother, phone: phone(1), livesWithChild: true, suspectedPerpetrator: false }];
    default:
      return [];
  }
}

/**
 * Seeds fictitious cases in every state across the demo district, through the
 * same services the API uses, so a new user opens a living queue. Runs once: a
 * district that already has cases is left alone.
 */
@Injectable()
export class DemoCasesSeeder {
  private readonly logger = new Logger(DemoCasesSeeder.name);

  constructor(
    private readonly intake: CaseIntakeService,
    private readonly transitions: CaseTransitionsService,
    private readonly records: CaseRecordsService,
    private readonly guardians: CaseGuardiansService,
    private readonly approvals: CaseApprovalsService,
    private readonly queries: CaseQueriesService,
    private readonly org: OrgService,
  ) {}

  async seed(): Promise<{ created: number; skipped: boolean }> {
    const district = await this.org.actorByUsername('district1');
    if (!district) return { created: 0, skipped: true };
    const existing = await this.queries.list(district, { limit: 1 });
    if (existing.items.length > 0) return { created: 0, skipped: true };
    let n = 0;
    for (const [si, street] of DEMO_STREETS.entries()) {
      const supervisor = (await this.org.actorByUsername(`sup-${street.key}`)) as Actor;
      for (let k = 0; k < 4; k += 1) {
        const communityIndex = k % street.communities.length;
        const director = (await this.org.actorByUsername(`dir-${street.key}-${String(communityIndex + 1).padStart(2, '0')}`)) as Actor;
        const stage = STAGES[(si * 4 + k) % STAGES.length];
        await this.build(stage, n, director, supervisor, district);
        n += 1;
      }
    }
    this.logger.log(`demo cases: ${n} created`);
    return { created: n, skipped: false };
  }

  private async build(stage: Stage, n: number, director: Actor, supervisor: Actor, district: Actor): Promise<void> {
    const s = SCENARIOS[n % SCENARIOS.length];
    // The risk the supervisor confirms: below the report's floor only with a reason (domain.md §4).
    const risk =
      stage === 'awaiting_approval'
        ? RiskLevel.R1
        : stage === 'intervening' || stage === 'follow_up' || stage === 'closed'
          ? n % 2
            ? RiskLevel.R3
            : RiskLevel.R4
          : s.risk;
    const filedRisk = stage === 'awaiting_approval' ? RiskLevel.R1 : s.risk;
    const named = s.reporter === ReporterType.MandatoryInstitution || s.reporter === ReporterType.MandatoryStaff;
    const violent = s.categories.some((c) => c.startsWith('V')) || s.mandatoryItems.length > 0;
    const daysAgo = 1 + (n % 9);
    const discovered = new Date(Date.now() - daysAgo * 86400_000);
    const body: CreateCaseDto = {
      communityId: director.communityId,
      child: {
        name: SURNAMES[n % SURNAMES.length] + GIVEN[(n * 7) % GIVEN.length],
        sex: n % 2 ? Sex.Female : Sex.Male,
        birthDate: `${2009 + (n % 12)}-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 27)).padStart(2, '0')}`,
        address: `演示地址 ${n + 1} 号 (demo)`,
      },
      categories: s.categories,
      mandatoryItems: s.mandatoryItems,
      riskLevel: filedRisk,
      report: {
        reporterType: s.reporter,
        anonymous: s.reporter === ReporterType.Public,
        reporterName: s.reporter === ReporterType.Public || s.reporter === ReporterType.InternalDiscovery ? undefined : '演示报告人',
        discoveredAt: discovered.toISOString(),
        location: '演示地点 (demo)',
        narrative: stage === 'returned' ? '情况待补充。' : s.narrative,
      },
      police: violent
        ? { reportedAt: new Date(discovered.getTime() + 3600_000).toISOString(), receiptNo: `GA${2026}${String(n).padStart(5, '0')}` }
        : undefined,
      submit: stage !== 'draft',
    };
    const created = await this.intake.create(director, body);
    const id = created.detail.id;
    // The filer records the household first (the draft included), as a director does on the first visit.
    for (const g of demoGuardians(n % SCENARIOS.length, SURNAMES[n % SURNAMES.length], n)) await this.guardians.add(director, id, g);
    if (stage === 'draft' || stage === 'submitted') return;
    let c = await this.queries.get(supervisor, id);
    if (stage === 'returned') {
      await this.transitions.transition(supervisor, id, {
        action: CaseAction.Return,
        version: c.version,
        reason: '请补充儿童监护人情况 (please add the guardian’s situation)',
      });
      return;
    }
    await this.transitions.transition(supervisor, id, {
      action: CaseAction.Accept,
      version: c.version,
      riskLevel: risk,
      assigneeId: supervisor.id,
      reason: risk === filedRisk ? undefined : '核实后风险低于报告时的估计 (lower than estimated once checked)',
    });
    if (stage === 'assessing') return;
    if (stage === 'unsubstantiated') {
      c = await this.records.addVisit(director, id, {
        kind: VisitKind.Verification,
        visitedAt: new Date().toISOString(),
        riskLevel: RiskLevel.R4,
        outcome: '核实走访：未发现所报告的情况 (verification visit: nothing of what was reported)',
      });
      await this.transitions.transition(supervisor, id, {
        action: CaseAction.CloseUnsubstantiated,
        version: c.version,
        reason: '核实后情况不属实 (not substantiated on checking)',
      });
      return;
    }
    await this.records.recordAssessment(supervisor, id, {
      safety: '暂无即时危险',
      guardianship: '监护人监护能力不足',
      wellbeing: '身体状况一般，情绪低落',
      riskLevel: risk,
      summary: '需要制定帮扶计划',
    });
    const due = new Date(Date.now() + (5 + (n % 10)) * 86400_000).toISOString();
    c = await this.records.addMeasure(supervisor, id, {
      type: risk === RiskLevel.R1 ? MeasureType.EmergencyPlacement : MeasureType.FamilyGuidance,
      ownerId: director.id,
      dueAt: due,
      note: '演示措施 (demo)',
    });
    if (stage === 'planned') return;
    c = await this.transitions.transition(supervisor, id, { action: CaseAction.StartIntervention, version: c.version });
    if (stage === 'awaiting_approval') return;
    if (stage === 'intervening') return;
    const measure = c.measures.find((m) => m.status === MeasureStatus.Planned);
    if (measure) c = await this.records.updateMeasure(director, id, measure.id, { status: MeasureStatus.Done, outcome: '已完成家庭教育指导 (done)' });
    await this.transitions.transition(supervisor, id, { action: CaseAction.BeginFollowUp, version: c.version });
    await this.records.addVisit(director, id, { visitedAt: new Date().toISOString(), riskLevel: RiskLevel.R4, outcome: '情况稳定 (stable)' });
    c = await this.records.addVisit(director, id, { visitedAt: new Date().toISOString(), riskLevel: RiskLevel.R4, outcome: '情况稳定 (stable)' });
    if (stage === 'follow_up') return;
    // What a risk_resolved closure needs beyond the visits: police feedback and the outcome told to a named mandatory reporter.
    if (violent) {
      c = await this.records.recordPolice(supervisor, id, {
        feedbackAt: new Date().toISOString(),
        feedback: '公安已立案调查 (police opened an investigation)',
      });
    }
    if (named) {
      c = await this.records.recordOutcomeFeedback(supervisor, id, {
        channel: FeedbackChannel.Phone,
        at: new Date().toISOString(),
        summary: '已电话告知报告单位处置结果 (told the reporting unit by phone)',
      });
    }
    c = await this.transitions.transition(director, id, { action: CaseAction.RequestClosure, version: c.version, closureReason: ClosureReason.RiskResolved });
    const decider = risk === RiskLevel.R1 || risk === RiskLevel.R2 ? district : supervisor;
    if (c.pendingApproval) await this.approvals.decide(decider, c.pendingApproval.id, { decision: 'approve', reason: '同意结案 (closure approved)' });
    if (c.status !== CaseStatus.FollowUp) this.logger.warn(`demo case ${c.caseNo} ended in ${c.status}`);
  }
}
