import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrgModule } from '@shouhu/org';
import { TimelineModule } from '@shouhu/timeline';
import { ApprovalRepository } from './approval.repository';
import { ClosureRules } from './closure-rules';
import { CaseApprovalsService } from './case-approvals.service';
import { CaseGuardiansService } from './case-guardians.service';
import { CaseIntakeService } from './case-intake.service';
import { CaseQueriesService } from './case-queries.service';
import { CaseRecordRepository } from './case-record.repository';
import { CaseRecordsService } from './case-records.service';
import { CaseStaff } from './case-staff';
import { CaseTransitionsService } from './case-transitions.service';
import { CaseWriter } from './case-writer';
import { CaseRepository } from './case.repository';
import { ChildRepository } from './child.repository';
import { DemoCasesSeeder } from './demo-cases.seeder';
import { Approval } from './entities/approval.entity';
import { Assessment } from './entities/assessment.entity';
import { Case } from './entities/case.entity';
import { CaseNumberCounter } from './entities/case-number.entity';
import { Child } from './entities/child.entity';
import { Guardian } from './entities/guardian.entity';
import { Measure } from './entities/measure.entity';
import { Note } from './entities/note.entity';
import { OutcomeFeedback } from './entities/outcome-feedback.entity';
import { Report } from './entities/report.entity';
import { Visit } from './entities/visit.entity';
import { FIELD_CIPHER, fieldCipherProvider } from './field-cipher.provider';
import { GuardianRepository } from './guardian.repository';
import { CASE_LIFECYCLE_HOOKS, CaseLifecycleHooks } from './lifecycle-hooks';

export const CASE_ENTITIES = [Child, Case, Report, Assessment, Measure, Visit, Note, OutcomeFeedback, Guardian, Approval, CaseNumberCounter];

/** One service per concern of the case lifecycle; each writes through the CaseWriter. */
const CASE_SERVICES = [CaseIntakeService, CaseTransitionsService, CaseRecordsService, CaseGuardiansService, CaseApprovalsService, CaseQueriesService];

export interface CasesModuleOptions {
  /** Modules that provide the hooks class. */
  imports?: ModuleMetadata['imports'];
  /** Follows every change in its transaction (the deadlines domain). */
  hooks: Type<CaseLifecycleHooks>;
}

@Module({})
export class CasesModule {
  static forRoot(options: CasesModuleOptions): DynamicModule {
    return {
      module: CasesModule,
      imports: [TypeOrmModule.forFeature(CASE_ENTITIES), TimelineModule, OrgModule, ...(options.imports ?? [])],
      providers: [
        CaseRepository,
        ChildRepository,
        CaseRecordRepository,
        GuardianRepository,
        ApprovalRepository,
        CaseWriter,
        CaseStaff,
        ClosureRules,
        ...CASE_SERVICES,
        DemoCasesSeeder,
        fieldCipherProvider,
        { provide: CASE_LIFECYCLE_HOOKS, useExisting: options.hooks },
      ],
      exports: [...CASE_SERVICES, CaseWriter, CaseRepository, DemoCasesSeeder, FIELD_CIPHER, TimelineModule],
    };
  }
}
