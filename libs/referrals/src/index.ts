export * from './domain';
export * from './dto/referral.dto';
export { DemoReferralsSeeder } from './demo-referrals.seeder';
export { Referral } from './entities/referral.entity';
export { ReferralErrors } from './referrals.errors';
export { ReferralsModule } from './referrals.module';
export { REFERRAL_IDENTITY_FIELDS, ReferralsService } from './referrals.service';
export {
  ReferralCaseView,
  ReferralCategoryView,
  ReferralChildView,
  referralDetail,
  ReferralDetailView,
  ReferralListView,
  referralView,
  ReferralView,
} from './referral.views';
