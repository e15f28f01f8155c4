/**
 * Database chores run from the compiled output by the npm scripts:
 *   node dist/scripts/db.js migrate | revert | show | seed
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, ConfigModule, processConfig } from '@shouhu/config';
import { createCliDataSource, DatabaseModule } from '@shouhu/database';
import { DemoCasesSeeder } from '@shouhu/cases';
import { CaseworkModule } from '@shouhu/casework';
import { DemoEvidenceSeeder, EvidenceModule } from '@shouhu/evidence';
import { DemoReferralsSeeder, ReferralsModule } from '@shouhu/referrals';
import { JobsModule } from '@shouhu/jobs';
import { DemoOrganisationSeeder, OrgModule } from '@shouhu/org';

@Module({ imports: [ConfigModule.forRoot(), DatabaseModule, JobsModule.forRoot(), OrgModule, CaseworkModule, EvidenceModule, ReferralsModule] })
class SeedModule {}

async function migrate(): Promise<void> {
  const dataSource = createCliDataSource();
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}` : 'schema is up to date');
  } finally {
    await dataSource.destroy();
  }
}

async function revert(): Promise<void> {
  const dataSource = createCliDataSource();
  await dataSource.initialize();
  try {
    await dataSource.undoLastMigration({ transaction: 'each' });
    console.log('reverted the last migration');
  } finally {
    await dataSource.destroy();
  }
}

async function show(): Promise<void> {
  const dataSource = createCliDataSource();
  await dataSource.initialize();
  try {
    const pending = await dataSource.showMigrations();
    console.log(pending ? 'there are pending migrations' : 'no pending migrations');
  } finally {
    await dataSource.destroy();
  }
}

async function seed(): Promise<void> {
  const app = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn'] });
  try {
    const result = await app.get(DemoOrganisationSeeder).seed(processConfig().DEMO_PASSWORD);
    console.log(
      `demo organisation: ${result.jurisdictionsCreated} jurisdictions and ${result.usersCreated} users created` +
        (result.passwordsReset ? `, ${result.passwordsReset} demo passwords reset to DEMO_PASSWORD` : ''),
    );
    if (process.argv[3] !== '--no-cases') {
      const cases = await app.get(DemoCasesSeeder).seed();
      console.log(cases.skipped ? 'demo cases: already present' : `demo cases: ${cases.created} created`);
      const referrals = await app.get(DemoReferralsSeeder).seed();
      console.log(referrals.skipped ? 'demo referrals: already present' : `demo referrals: ${referrals.created} created`);
      const evidence = await app.get(DemoEvidenceSeeder).seed();
      console.log(evidence.skipped ? 'demo evidence: already present (or no open demo case)' : `demo evidence: ${evidence.created} sample photo uploaded`);
    }
  } finally {
    await app.close();
  }
}

const commands: Record<string, () => Promise<void>> = { migrate, revert, show, seed };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error(`usage: db.js ${Object.keys(commands).join('|')}`);
  process.exit(2);
}
command().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
