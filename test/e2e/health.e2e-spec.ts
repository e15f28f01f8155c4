import { OwnRedis } from '../helpers/redis-server';
import { bearer, DEMO_PASSWORD, startApi, TestApi } from '../helpers/test-app';

describe('GET /api/health', () => {
  it('answers 200 with db and redis up, without a token', async () => {
    const api = await startApi();
    try {
      const res = await api.http.get('/api/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ db: 'up', redis: 'up' });
      // Whether a worker wrote its heartbeat lately: without one no deadline fires, so the service is degraded.
      expect(['up', 'down']).toContain(res.body.worker);
      expect(res.body.status).toBe(res.body.worker === 'up' ? 'ok' : 'degraded');
      expect(res.headers['x-request-id']).toBeTruthy();
    } finally {
      await api.close();
    }
  });

  describe('with a Redis that goes down', () => {
    let redis: OwnRedis;
    let api: TestApi;
    let token: string;

    beforeAll(async () => {
      redis = await OwnRedis.start();
      api = await startApi({ REDIS_URL: redis.url, REDIS_CLUSTER_NODES: '' });
      // Signed in while Redis is up.
      const login = await api.http.post('/api/auth/login').send({ username: 'district2', password: DEMO_PASSWORD });
      expect(login.status).toBe(200);
      token = login.body.accessToken;
    });
    afterAll(async () => {
      await api?.close();
      await redis?.down();
    });

    it('is 200 while that Redis runs', async () => {
      const res = await api.http.get('/api/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ db: 'up', redis: 'up' });
    });

    it('is 200 degraded naming redis once it stops: the API serves on PostgreSQL alone', async () => {
      await redis.down();
      const started = Date.now();
      const res = await api.http.get('/api/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'degraded', db: 'up', redis: 'down', worker: 'down' });
      // The health check gives up quickly rather than hanging on the dead connection.
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('still signs in, throttled in process instead (auth.e2e-spec: "with Redis down")', async () => {
      expect(redis.running).toBe(false);
      const res = await api.http.post('/api/auth/login').send({ username: 'district2', password: DEMO_PASSWORD });
      expect(res.status).toBe(200);
    });

    it('still serves signed-in requests, which need only PostgreSQL', async () => {
      const res = await api.http.get('/api/me').set(bearer(token));
      expect(res.status).toBe(200);
      expect(res.body.username).toBe('district2');
    });

    it('is 200 again once Redis is back', async () => {
      await redis.up();
      let res = await api.http.get('/api/health');
      for (let i = 0; i < 50 && res.body.redis !== 'up'; i++) {
        await new Promise((r) => setTimeout(r, 200));
        res = await api.http.get('/api/health');
      }
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ redis: 'up' });
    });
  });
});
