export { communityCode, DEMO_DISTRICT, DEMO_STREETS, demoPersonName, demoUsers, streetCode } from './demo-organisation';
export { DemoOrganisationSeeder } from './demo-seeder';
export type { SeedResult } from './demo-seeder';
export * from './dto/user.dto';
export { Jurisdiction } from './entities/jurisdiction.entity';
export { User } from './entities/user.entity';
export { OrgModule } from './org.module';
export { jurisdictionRef, OrgService, toActor, userView } from './org.service';
