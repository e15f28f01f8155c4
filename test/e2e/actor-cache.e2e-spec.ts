import { ActorCache, AUTH_CHANNEL } from '@shouhu/org';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../helpers/database';
import { createUser, CreatedUser, freshLogin } from '../helpers/factories';
import { bearer, startApi, TestApi } from '../helpers/test-app';

/** Polls until check() holds, at most `ms`; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Two api replicas on one database, each remembering tokens (ActorCache), as production runs
 * them: a change made anywhere (the other replica, a script, a manual fix in SQL) ends the
 * token's access on both within moments, and the replica that made it at once.
 */
describe('the token cache of the request guard (AUTH_CACHE_MS)', () => {
  let a: TestApi;
  let b: TestApi;
  let ds: DataSource;
  const cacheOf = (api: TestApi) => api.app.get(ActorCache);
  const me = (api: TestApi, token: string) => api.http.get('/api/me').set(bearer(token));

  beforeAll(async () => {
    [a, b] = await Promise.all([startApi(), startApi()]);
    ds = await openDataSource(a.config);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), ds?.destroy()]);
  });

  /** A new user, signed in, whose token both replicas remember (their listeners are up). */
  async function remembered(): Promise<{ user: CreatedUser; token: string }> {
    const user = await createUser(a);
    const token = await freshLogin(a, user.username, user.password);
    for (const api of [a, b]) {
      await within(5000, async () => (await me(api, token)).status === 200 && cacheOf(api).active);
      expect((await me(api, token)).status).toBe(200);
    }
    return { user, token };
  }

  /** A change PostgreSQL does not announce (triggers off for this transaction only), as a replica without the listener would see it. */
  const silently = (sql: string, params: unknown[]) =>
    ds.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(sql, params);
    });

  it('answers from memory: a change that is not announced goes unseen until its notification arrives', async () => {
    const { user, token } = await remembered();
    await silently(`UPDATE "user" SET active = false WHERE id = $1`, [user.id]);
    // Both replicas still answer from what they remember: proof that no query was made.
    expect((await me(a, token)).status).toBe(200);
    expect((await me(b, token)).status).toBe(200);
    // The notification the trigger would have sent: both drop the user and ask PostgreSQL again.
    await ds.query(`SELECT pg_notify($1, $2)`, [AUTH_CHANNEL, `u:${user.id}`]);
    for (const api of [a, b]) await within(1000, async () => (await me(api, token)).status === 401);
  });

  it('a user deactivated in SQL (a script, a manual fix) is refused by both replicas within a second', async () => {
    const { user, token } = await remembered();
    await ds.query(`UPDATE "user" SET active = false WHERE id = $1`, [user.id]);
    const took = await Promise.all([a, b].map((api) => within(1000, async () => (await me(api, token)).status === 401)));
    expect(Math.max(...took)).toBeLessThan(1000);
  });

  it('a token signed out on one replica is refused there at once and on the other within a second', async () => {
    const { token } = await remembered();
    const out = await a.http.post('/api/auth/logout').set(bearer(token));
    expect(out.status).toBeLessThan(300);
    expect((await me(a, token)).status).toBe(401);
    await within(1000, async () => (await me(b, token)).status === 401);
  });

  it('a password changed (credentials_changed_at moves) ends older tokens on both replicas', async () => {
    const { user, token } = await remembered();
    await ds.query(`UPDATE "user" SET credentials_changed_at = now() + interval '1 second' WHERE id = $1`, [user.id]);
    for (const api of [a, b]) await within(1000, async () => (await me(api, token)).status === 401);
  });

  it('without its listener a replica remembers nothing and asks PostgreSQL every time, then listens again', async () => {
    const { user, token } = await remembered();
    const dbName = a.config.DATABASE_URL.replace(/.*\//, '').replace(/\?.*/, '');
    // Both replicas' listeners are cut.
    await ds.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query = $2`, [dbName, `LISTEN ${AUTH_CHANNEL}`]);
    await within(2000, async () => !cacheOf(a).active && !cacheOf(b).active);
    // A change nobody announces is seen at once: the answer comes from PostgreSQL.
    await silently(`UPDATE "user" SET active = false WHERE id = $1`, [user.id]);
    expect((await me(a, token)).status).toBe(401);
    expect((await me(b, token)).status).toBe(401);
    // The listeners come back by themselves (every second), with nothing remembered from before.
    await silently(`UPDATE "user" SET active = true WHERE id = $1`, [user.id]);
    for (const api of [a, b]) await within(5000, async () => (await me(api, token)).status === 200 && cacheOf(api).active);
  });
});
