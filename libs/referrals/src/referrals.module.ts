import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CaseworkModule } from '@shouhu/casework';
import { OrgModule } from '@shouhu/org';
import { DemoReferralsSeeder } from './demo-referrals.seeder';
import { Referral } from './entities/referral.entity';
import { ReferralRepository } from './referral.repository';
import { ReferralsService } from './referrals.service';

/** Referrals of cases to other agencies (协同办理, domain.md §11), on top of case work (writer, deadlines, notifications). */
@Module({
  imports: [TypeOrmModule.forFeature([Referral]), CaseworkModule, OrgModule],
  providers: [ReferralRepository, ReferralsService, DemoReferralsSeeder],
  exports: [ReferralsService, DemoReferralsSeeder],
})
export class ReferralsModule {}
