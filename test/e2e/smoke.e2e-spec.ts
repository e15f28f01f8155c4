import { startApi, TestApi } from '../helpers/test-app';

describe('smoke', () => {
  let api: TestApi;
  beforeAll(async () => { api = await startApi(); });
  afterAll(async () => { await api.close(); });
  it('health', async () => {
    const res = await api.http.get('/api/health');
    console.log(res.status, res.body, res.headers);
  });
});
