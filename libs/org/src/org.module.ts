import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActorCache } from './actor-cache';
import { AgencyRepository } from './agency.repository';
import { AgencyService } from './agency.service';
import { DemoOrganisationSeeder } from './demo-seeder';
import { Agency } from './entities/agency.entity';
import { Jurisdiction } from './entities/jurisdiction.entity';
import { RevokedToken } from './entities/revoked-token.entity';
import { UserEvent } from './entities/user-event.entity';
import { User } from './entities/user.entity';
import { JurisdictionRepository } from './jurisdiction.repository';
import { OrgService } from './org.service';
import { UserRepository } from './user.repository';

@Module({
  imports: [TypeOrmModule.forFeature([Jurisdiction, User, UserEvent, RevokedToken, Agency])],
  providers: [ActorCache, JurisdictionRepository, UserRepository, AgencyRepository, OrgService, AgencyService, DemoOrganisationSeeder],
  exports: [ActorCache, OrgService, AgencyService, DemoOrganisationSeeder],
})
export class OrgModule {}
