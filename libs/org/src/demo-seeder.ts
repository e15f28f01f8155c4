import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { JurisdictionLevel } from '@shouhu/access';
import { TransactionRunner } from '@shouhu/database';
import { AgencyRepository } from './agency.repository';
import { communityCode, DEMO_AGENCIES, DEMO_DISTRICT, DEMO_STREETS, demoUsers, streetCode } from './demo-organisation';
import { Jurisdiction } from './entities/jurisdiction.entity';
import { JurisdictionRepository } from './jurisdiction.repository';
import { hashPassword, verifyPassword } from './password';
import { UserRepository } from './user.repository';

export interface SeedResult {
  jurisdictionsCreated: number;
  agenciesCreated: number;
  usersCreated: number;
  passwordsReset: number;
}

/** Seeds the demo organisation; running it again changes nothing unless DEMO_PASSWORD changed. */
@Injectable()
export class DemoOrganisationSeeder {
  private readonly logger = new Logger(DemoOrganisationSeeder.name);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly jurisdictions: JurisdictionRepository,
    private readonly users: UserRepository,
    private readonly agencies: AgencyRepository,
  ) {}

  async seed(demoPassword: string): Promise<SeedResult> {
    const result = await this.tx.run(async (manager) => {
      let jurisdictionsCreated = 0;
      const districtId = randomUUID();
      jurisdictionsCreated += await this.jurisdictions.insertMissing(
        [
          row({
            id: districtId,
            code: DEMO_DISTRICT.code,
            name: DEMO_DISTRICT.name,
            casePrefix: DEMO_DISTRICT.casePrefix,
            level: JurisdictionLevel.District,
            parentId: null,
            districtId,
            streetId: null,
            communityId: null,
            path: DEMO_DISTRICT.name,
          }),
        ],
        manager,
      );
      await this.jurisdictions.setCasePrefixIfMissing(DEMO_DISTRICT.code, DEMO_DISTRICT.casePrefix, manager);
      const [district] = await this.jurisdictions.findByCodes([DEMO_DISTRICT.code], manager);

      const streetRows = DEMO_STREETS.map((s) => {
        const id = randomUUID();
        return row({
          id,
          code: streetCode(s.key),
          name: s.name,
          casePrefix: null,
          level: JurisdictionLevel.Street,
          parentId: district.id,
          districtId: district.id,
          streetId: id,
          communityId: null,
          path: `${district.name} / ${s.name}`,
        });
      });
      jurisdictionsCreated += await this.jurisdictions.insertMissing(streetRows, manager);
      const streets = new Map(
        (
          await this.jurisdictions.findByCodes(
            streetRows.map((r) => r.code),
            manager,
          )
        ).map((j) => [j.code, j]),
      );

      const communityRows = DEMO_STREETS.flatMap((s) =>
        s.communities.map((name, i) => {
          const street = streets.get(streetCode(s.key)) as Jurisdiction;
          const id = randomUUID();
          return row({
            id,
            code: communityCode(s.key, i),
            name,
            casePrefix: null,
            level: JurisdictionLevel.Community,
            parentId: street.id,
            districtId: district.id,
            streetId: street.id,
            communityId: id,
            path: `${street.path} / ${name}`,
          });
        }),
      );
      jurisdictionsCreated += await this.jurisdictions.insertMissing(communityRows, manager);
      const byCode = new Map(
        (await this.jurisdictions.findByCodes([DEMO_DISTRICT.code, ...streets.keys(), ...communityRows.map((r) => r.code)], manager)).map((j) => [j.code, j]),
      );

      // The agencies before their liaisons (a liaison's row names its agency).
      const agenciesCreated = await this.agencies.insertMissing(
        manager,
        DEMO_AGENCIES.map((a) => ({ kind: a.kind, name: a.name, districtId: district.id, active: true })),
      );
      const agencyIds = new Map(
        (
          await this.agencies.ofDistrictByName(
            manager,
            district.id,
            DEMO_AGENCIES.map((a) => a.name),
          )
        ).map((a) => [a.name, a.id]),
      );

      const specs = demoUsers();
      const existing = await this.users.findByUsernames(
        specs.map((u) => u.username),
        manager,
      );
      const existingNames = new Set(existing.map((u) => u.username));
      const missing = specs.filter((u) => !existingNames.has(u.username));
      // One salted hash serves every demo account: demo credentials are public anyway.
      let hash: string | undefined;
      for (const spec of missing) {
        hash ??= await hashPassword(demoPassword);
        await this.users.insert(
          {
            username: spec.username,
            displayName: spec.displayName,
            role: spec.role,
            jurisdictionId: (byCode.get(spec.jurisdictionCode) as Jurisdiction).id,
            agencyId: spec.agencyName ? agencyIds.get(spec.agencyName) : null,
            passwordHash: hash,
            active: true,
          },
          manager,
        );
      }
      let passwordsReset = 0;
      if (existing.length > 0 && !(await verifyPassword(existing[0].passwordHash, demoPassword))) {
        hash ??= await hashPassword(demoPassword);
        await this.users.setPasswordHash([...existingNames], hash, manager);
        passwordsReset = existing.length;
      }
      return { jurisdictionsCreated, agenciesCreated, usersCreated: missing.length, passwordsReset };
    });
    this.logger.log(`demo organisation: ${JSON.stringify(result)}`);
    return result;
  }
}

function row(fields: Omit<Jurisdiction, 'createdAt' | 'parent'>): Jurisdiction {
  return Object.assign(new Jurisdiction(), fields);
}
