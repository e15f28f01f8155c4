import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: every change that can end a token's access is announced on the channel
 * `shouhu_auth` (issue 14), so that each api replica drops what it remembers of it
 * (libs/org/src/actor-cache.ts): a user row updated or deleted ('u:<id>'), a token signed out
 * ('t:<jti>'), a jurisdiction changed ('*': actors carry their jurisdiction). Triggers, so no
 * write path, script or manual fix can forget to announce.
 */
export class AuthChangeNotify1796000000300 implements MigrationInterface {
  name = 'AuthChangeNotify1796000000300';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION auth_notify_user() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('shouhu_auth', 'u:' || OLD.id::text);
        RETURN NULL;
      END $$
    `);
    await queryRunner.query(`
      CREATE FUNCTION auth_notify_token() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('shouhu_auth', 't:' || NEW.jti::text);
        RETURN NULL;
      END $$
    `);
    await queryRunner.query(`
      CREATE FUNCTION auth_notify_all() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('shouhu_auth', '*');
        RETURN NULL;
      END $$
    `);
    await queryRunner.query(`CREATE TRIGGER user_auth_notify AFTER UPDATE OR DELETE ON "user" FOR EACH ROW EXECUTE FUNCTION auth_notify_user()`);
    await queryRunner.query(`CREATE TRIGGER revoked_token_auth_notify AFTER INSERT ON "revoked_token" FOR EACH ROW EXECUTE FUNCTION auth_notify_token()`);
    await queryRunner.query(`CREATE TRIGGER jurisdiction_auth_notify AFTER UPDATE OR DELETE ON "jurisdiction" FOR EACH STATEMENT EXECUTE FUNCTION auth_notify_all()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER jurisdiction_auth_notify ON "jurisdiction"`);
    await queryRunner.query(`DROP TRIGGER revoked_token_auth_notify ON "revoked_token"`);
    await queryRunner.query(`DROP TRIGGER user_auth_notify ON "user"`);
    await queryRunner.query(`DROP FUNCTION auth_notify_all()`);
    await queryRunner.query(`DROP FUNCTION auth_notify_token()`);
    await queryRunner.query(`DROP FUNCTION auth_notify_user()`);
  }
}
