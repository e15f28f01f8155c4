import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DemoOrganisationSeeder } from './demo-seeder';
import { Jurisdiction } from './entities/jurisdiction.entity';
import { RevokedToken } from './entities/revoked-token.entity';
import { UserEvent } from './entities/user-event.entity';
import { User } from './entities/user.entity';
import { JurisdictionRepository } from './jurisdiction.repository';
import { OrgService } from './org.service';
import { UserRepository } from './user.repository';

@Module({
  imports: [TypeOrmModule.forFeature([Jurisdiction, User, UserEvent, RevokedToken])],
  providers: [JurisdictionRepository, UserRepository, OrgService, DemoOrganisationSeeder],
  exports: [OrgService, DemoOrganisationSeeder],
})
export class OrgModule {}
