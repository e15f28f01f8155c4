import { DynamicModule, Module, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FieldCipher } from '@shouhu/access';
import { AppConfig } from '@shouhu/config';
import { OrgModule } from '@shouhu/org';
import { TimelineModule } from '@shouhu/timeline';
import { DemoCasesSeeder } from './demo-cases.seeder';
import { CaseRepository } from './case.repository';
import { CasesService, FIELD_CIPHER } from './cases.service';
import { Approval } from './entities/approval.entity';
import { Assessment } from './entities/assessment.entity';
import { Case } from './entities/case.entity';
import { CaseNumberCounter } from './entities/case-number.entity';
import { Child } from './entities/child.entity';
import { Measure } from './entities/measure.entity';
import { Note } from './entities/note.entity';
import { Report } from './entities/report.entity';
import { Visit } from './entities/visit.entity';
import { CASE_LIFECYCLE_HOOKS, CaseLifecycleHooks } from './lifecycle-hooks';

export const CASE_ENTITIES = [Child, Case, Report, Assessment, Measure, Visit, Note, Approval, CaseNumberCounter];

export interface CasesModuleOptions {
  /** Modules that provide the hooks class. */
  imports?: ModuleMetadata['imports'];
  /** Follows every change in its transaction (the deadlines domain). */
  hooks: Type<CaseLifecycleHooks>;
}

@Module({})
export class CasesModule {
  static forRoot(options: CasesModuleOptions): DynamicModule {
    const cipher: Provider = {
      provide: FIELD_CIPHER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => FieldCipher.fromConfig(config),
    };
    return {
      module: CasesModule,
      imports: [TypeOrmModule.forFeature(CASE_ENTITIES), TimelineModule, OrgModule, ...(options.imports ?? [])],
      providers: [CaseRepository, CasesService, DemoCasesSeeder, cipher, { provide: CASE_LIFECYCLE_HOOKS, useExisting: options.hooks }],
      exports: [CasesService, CaseRepository, DemoCasesSeeder, FIELD_CIPHER, TimelineModule],
    };
  }
}
