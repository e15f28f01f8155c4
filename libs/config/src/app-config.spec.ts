import { randomBytes } from 'node:crypto';
import {
  AppConfig,
  ConfigError,
  configWith,
  DEFAULT_ATTACHMENT_DIR,
  DEFAULT_BACKUP_DIR,
  DEFAULT_CALENDAR_DIR,
  DEFAULT_CONSOLE_DIR,
  DEFAULT_SLA_POLICY_FILE,
  loadConfig,
  NodeEnv,
} from './app-config';

const SECRET = `jwt-${randomBytes(24).toString('hex')}`;
const KEY = randomBytes(32).toString('base64');
const DB_PASSWORD = `pw${randomBytes(8).toString('hex')}`;
const REDIS_PASSWORD = `rp${randomBytes(8).toString('hex')}`;

/** The smallest environment that is valid: the four variables without defaults. */
const required = () => ({
  DATABASE_URL: `postgres://shouhu:${DB_PASSWORD}@127.0.0.1:5432/shouhu`,
  REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:6379/0`,
  JWT_SECRET: SECRET,
  DATA_ENCRYPTION_KEY: KEY,
});

/** The ConfigError loadConfig throws for this environment (fails the test when it does not throw). */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

const variables = (error: ConfigError) => error.problems.map((p) => p.variable).sort();

describe('loadConfig', () => {
  it('applies every default when only the required variables are set', () => {
    const config = loadConfig(required());
    expect(config).toBeInstanceOf(AppConfig);
    expect({ ...config }).toEqual({
      ...required(),
      NODE_ENV: NodeEnv.Development,
      HOST: '127.0.0.1',
      PORT: 3000,
      DB_POOL_SIZE: 10,
      DB_CONNECT_TIMEOUT_MS: 3000,
      DB_QUEUE_POOL_SIZE: 4,
      DB_REPLICA_POOL_SIZE: 10,
      DB_REPLICA_WAIT_MS: 50,
      DB_REPLICA_RETRY_MS: 5000,
      AUTH_CACHE_MS: 10000,
      REDIS_WAIT_MS: 300,
      QUEUE_PREFIX: 'shouhu',
      JWT_TTL_SECONDS: 8 * 3600,
      DATA_ENCRYPTION_KEY_ID: 'k1',
      DEMO_PASSWORD: 'shouhu-demo',
      LOG_LEVEL: 'info',
      LOGIN_MAX_FAILURES_PER_USERNAME: 5,
      LOGIN_MAX_ATTEMPTS_PER_IP: 30,
      LOGIN_THROTTLE_WINDOW_SECONDS: 900,
      TRUST_PROXY: false,
      BODY_LIMIT_BYTES: 256 * 1024,
      SLA_TIME_SCALE: 1,
      SLA_POLICY_FILE: DEFAULT_SLA_POLICY_FILE,
      CALENDAR_DIR: DEFAULT_CALENDAR_DIR,
      ATTACHMENT_DIR: DEFAULT_ATTACHMENT_DIR,
      ATTACHMENT_MAX_BYTES: 20 * 1024 * 1024,
      BACKUP_ENCRYPTION_KEY_ID: 'b1',
      BACKUP_DIR: DEFAULT_BACKUP_DIR,
      STATS_ALERT_BREACH_RATE: 0.2,
      STATS_ALERT_REREPORT_RATE: 0.15,
      STATS_ALERT_CHECK_MS: 15 * 60 * 1000,
      CONSOLE_DIR: DEFAULT_CONSOLE_DIR,
    });
    expect(config.isProduction).toBe(false);
  });

  it('returns a frozen object', () => {
    const config = loadConfig(required());
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { PORT: number }).PORT = 1;
    }).toThrow(TypeError);
  });

  it('ignores variables it does not know', () => {
    const config = loadConfig({ ...required(), PATH: '/usr/bin', SOMETHING_ELSE: 'x', isProduction: 'true' });
    expect(config).not.toHaveProperty('PATH');
    expect(config).not.toHaveProperty('SOMETHING_ELSE');
    expect(config.isProduction).toBe(false);
  });

  it('treats an empty variable that has a default as unset', () => {
    const config = loadConfig({ ...required(), PORT: '', TRUST_PROXY: '', SLA_TIME_SCALE: '', DB_POOL_SIZE: '' });
    expect(config.PORT).toBe(3000);
    expect(config.TRUST_PROXY).toBe(false);
    expect(config.SLA_TIME_SCALE).toBe(1);
    expect(config.DB_POOL_SIZE).toBe(10);
  });

  it.each(['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'DATA_ENCRYPTION_KEY'])('names %s when it is missing', (variable) => {
    const env: Record<string, string | undefined> = required();
    delete env[variable];
    const error = configError(env);
    expect(variables(error)).toEqual([variable]);
    expect(error.problems[0].message).toBe('is required but not set');
    expect(error.message).toContain(`${variable}: is required but not set`);
  });

  it('names every bad variable at once', () => {
    const error = configError({ PORT: 'abc', LOG_LEVEL: 'loud' });
    expect(variables(error)).toEqual(['DATABASE_URL', 'DATA_ENCRYPTION_KEY', 'JWT_SECRET', 'LOG_LEVEL', 'PORT', 'REDIS_URL']);
    for (const variable of variables(error)) expect(error.message).toContain(`${variable}:`);
  });

  it.each([['abc'], ['70000'], ['-1'], ['80.5'], ['0x50']])('names PORT for %p', (port) => {
    const error = configError({ ...required(), PORT: port });
    expect(variables(error)).toEqual(['PORT']);
    expect(error.message).toMatch(/^\s+PORT: /m);
    // PORT is not a secret: the bad value is shown to help the operator.
    expect(error.message).toContain(`(got `);
    expect(error.message).toContain(port);
  });

  it('parses integers and decimals', () => {
    const config = loadConfig({ ...required(), PORT: '8080', DB_POOL_SIZE: '3', JWT_TTL_SECONDS: '600', BODY_LIMIT_BYTES: '2048', SLA_TIME_SCALE: '0.0001' });
    expect(config.PORT).toBe(8080);
    expect(config.DB_POOL_SIZE).toBe(3);
    expect(config.JWT_TTL_SECONDS).toBe(600);
    expect(config.BODY_LIMIT_BYTES).toBe(2048);
    expect(config.SLA_TIME_SCALE).toBe(0.0001);
  });

  it.each([
    ['DB_POOL_SIZE', '0'],
    ['DB_POOL_SIZE', '201'],
    ['DB_POOL_SIZE', '1.5'],
    ['DB_QUEUE_POOL_SIZE', '0'],
    ['DB_QUEUE_POOL_SIZE', '201'],
    ['JWT_TTL_SECONDS', '59'],
    ['BODY_LIMIT_BYTES', '1023'],
    ['LOGIN_MAX_ATTEMPTS_PER_IP', '0'],
    ['LOGIN_MAX_FAILURES_PER_USERNAME', 'many'],
    ['SLA_TIME_SCALE', '0'],
    ['SLA_TIME_SCALE', '-2'],
    ['SLA_TIME_SCALE', 'fast'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'verbose'],
    ['QUEUE_PREFIX', 'Has Spaces'],
    ['DATA_ENCRYPTION_KEY_ID', 'K1'],
    ['BACKUP_ENCRYPTION_KEY', randomBytes(16).toString('base64')],
    ['BACKUP_ENCRYPTION_KEY_ID', 'B 1'],
    ['HOST', ''],
  ])('rejects %s=%p and names it', (variable, value) => {
    expect(variables(configError({ ...required(), [variable]: value }))).toEqual([variable]);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('parses TRUST_PROXY=%p as %p', (value, expected) => {
    expect(loadConfig({ ...required(), TRUST_PROXY: value }).TRUST_PROXY).toBe(expected);
  });

  it.each(['yes', 'TRUE', 'on', '2'])('rejects TRUST_PROXY=%p', (value) => {
    expect(variables(configError({ ...required(), TRUST_PROXY: value }))).toEqual(['TRUST_PROXY']);
  });

  it('knows production', () => {
    expect(loadConfig({ ...required(), NODE_ENV: 'production' }).isProduction).toBe(true);
    expect(loadConfig({ ...required(), NODE_ENV: 'test' }).isProduction).toBe(false);
  });

  it('reads REDIS_CLUSTER_NODES and REDIS_PASSWORD, empty meaning unset', () => {
    const config = loadConfig({ ...required(), REDIS_CLUSTER_NODES: '10.0.0.1:7000,redis-b.local:7001', REDIS_PASSWORD: REDIS_PASSWORD });
    expect(config.REDIS_CLUSTER_NODES).toBe('10.0.0.1:7000,redis-b.local:7001');
    expect(config.REDIS_PASSWORD).toBe(REDIS_PASSWORD);
    const unset = loadConfig({ ...required(), REDIS_CLUSTER_NODES: '', REDIS_PASSWORD: '' });
    expect(unset.REDIS_CLUSTER_NODES).toBeUndefined();
    expect(unset.REDIS_PASSWORD).toBeUndefined();
  });

  it.each(['10.0.0.1', '10.0.0.1:7000;10.0.0.2:7001', 'redis://10.0.0.1:7000', '10.0.0.1:7000,', ':7000'])('names REDIS_CLUSTER_NODES for %p', (nodes) => {
    const error = configError({ ...required(), REDIS_CLUSTER_NODES: nodes, REDIS_PASSWORD: REDIS_PASSWORD });
    expect(variables(error)).toEqual(['REDIS_CLUSTER_NODES']);
    expect(error.message).not.toContain(REDIS_PASSWORD);
  });

  it('reads DATABASE_REPLICA_URLS, empty meaning unset', () => {
    const urls = `postgres://shouhu:${DB_PASSWORD}@10.0.0.2:5432/shouhu,postgresql://shouhu:${DB_PASSWORD}@10.0.0.3:5432/shouhu`;
    expect(loadConfig({ ...required(), DATABASE_REPLICA_URLS: urls }).DATABASE_REPLICA_URLS).toBe(urls);
    expect(loadConfig({ ...required(), DATABASE_REPLICA_URLS: '' }).DATABASE_REPLICA_URLS).toBeUndefined();
  });

  it.each([
    `mysql://shouhu:${DB_PASSWORD}@10.0.0.2/shouhu`,
    `postgres://shouhu:${DB_PASSWORD}@10.0.0.2/shouhu,`,
    `postgres://shouhu:${DB_PASSWORD}@a/b; postgres://c/d`,
  ])('names DATABASE_REPLICA_URLS for a bad list, never echoing it', (urls) => {
    const error = configError({ ...required(), DATABASE_REPLICA_URLS: urls });
    expect(variables(error)).toEqual(['DATABASE_REPLICA_URLS']);
    expect(error.message).not.toContain(DB_PASSWORD);
  });

  describe('never echoes a secret', () => {
    const badSecret = `short-${randomBytes(6).toString('hex')}`;
    const badKey = randomBytes(16).toString('base64');
    const badDbUrl = `mysql://root:${DB_PASSWORD}@db/shouhu`;
    const badRedisUrl = `http://:${REDIS_PASSWORD}@cache:6379`;

    it('in the message for a bad secret, key or URL', () => {
      const error = configError({ ...required(), JWT_SECRET: badSecret, DATA_ENCRYPTION_KEY: badKey, DATABASE_URL: badDbUrl, REDIS_URL: badRedisUrl });
      expect(variables(error)).toEqual(['DATABASE_URL', 'DATA_ENCRYPTION_KEY', 'JWT_SECRET', 'REDIS_URL']);
      const text = error.message + JSON.stringify(error.problems);
      for (const secret of [badSecret, badKey, badDbUrl, badRedisUrl, DB_PASSWORD, REDIS_PASSWORD]) expect(text).not.toContain(secret);
      expect(error.message).toContain('<hidden>');
    });

    it('nor a bad DEMO_PASSWORD', () => {
      const error = configError({ ...required(), DEMO_PASSWORD: 'abc1234' });
      expect(variables(error)).toEqual(['DEMO_PASSWORD']);
      expect(error.message).not.toContain('abc1234');
    });

    it('nor the valid secrets when another variable is wrong', () => {
      const error = configError({ ...required(), PORT: 'abc' });
      for (const secret of [SECRET, KEY, DB_PASSWORD, REDIS_PASSWORD]) expect(error.message).not.toContain(secret);
    });
  });
});

describe('configWith', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads process.env with overrides on top', () => {
    process.env = { ...required(), PORT: '4000', HOST: '0.0.0.0' };
    const config = configWith({ PORT: '5000' });
    expect(config.PORT).toBe(5000);
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.JWT_SECRET).toBe(SECRET);
  });

  it('validates the overrides', () => {
    process.env = { ...required() };
    expect(() => configWith({ PORT: '70000' })).toThrow(ConfigError);
    expect(() => configWith({ JWT_SECRET: undefined })).toThrow(/JWT_SECRET: is required but not set/);
  });
});
