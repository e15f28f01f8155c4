import 'reflect-metadata';
import { join } from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

export enum NodeEnv {
  Development = 'development',
  Production = 'production',
  Test = 'test',
}

/** The repository root (or the image's /app): three folders up from the sources, four from dist/. */
const ROOT = __filename.endsWith('.ts') ? join(__dirname, '..', '..', '..') : join(__dirname, '..', '..', '..', '..');
/** Where Vite writes the console (apps/console/dist); its absence is not an error. */
export const DEFAULT_CONSOLE_DIR = join(ROOT, 'apps', 'console', 'dist');
/** The shipped official calendars (one validated JSON file per year) and the default SLA policy. */
export const DEFAULT_CALENDAR_DIR = join(ROOT, 'config', 'calendar');
export const DEFAULT_SLA_POLICY_FILE = join(ROOT, 'config', 'sla-policy.json');
/** Where evidence files are kept (encrypted) by the default storage driver: the project's state folder. */
export const DEFAULT_ATTACHMENT_DIR = join(ROOT, '.shouhu', 'attachments');
/** Where npm run backup writes its files by default (keep copies elsewhere too: README "Backups"). */
export const DEFAULT_BACKUP_DIR = join(ROOT, '.shouhu', 'backups');

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : (typeof value === 'string' || typeof value === 'number') && /^-?\d+$/.test(String(value))
      ? Number(value)
      : value;
const toNumber = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number.isFinite(Number(value)) ? Number(value) : value);
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/**
 * Every setting of Shouhu, validated once at start-up. Property names are the
 * environment variable names, so an error message names the variable to fix.
 */
export class AppConfig {
  @IsEnum(NodeEnv)
  NODE_ENV: NodeEnv = NodeEnv.Development;

  @IsString()
  @IsNotEmpty()
  HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** postgres://user:password@host:port/database */
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  DATABASE_URL: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 10;

  /** How long a request waits for a pooled PostgreSQL connection before it answers 503. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  DB_CONNECT_TIMEOUT_MS = 3000;

  /**
   * Streaming replicas of DATABASE_URL, "postgres://…,postgres://…" (libs/database/src/replica.ts):
   * the queue, case detail, timeline and stats reads go to one that has replayed the primary's
   * position as the read starts; everything else, and every read when none has, to the primary.
   */
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^,\s]+(,postgres(ql)?:\/\/[^,\s]+)*$/, { message: 'must be postgres:// URLs separated by commas' })
  DATABASE_REPLICA_URLS?: string;

  /**
   * Connections per process for the queue's pages on the primary (PreparedReads): prepared
   * statements that always run on their generic plan, in a pool of their own, so that no other
   * statement is planned that way.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_QUEUE_POOL_SIZE = 4;

  /** Connections in each replica's pool (the primary's is DB_POOL_SIZE). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_REPLICA_POOL_SIZE = 10;

  /** How long a replica read waits for the replica to replay the primary's position before it reads on the primary instead. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(5000)
  DB_REPLICA_WAIT_MS = 50;

  /** After a replica fails (down, refused, cancelled), how long reads stay on the primary before the replicas are tried again. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600000)
  DB_REPLICA_RETRY_MS = 5000;

  /**
   * How long the api may answer a token's check from memory instead of asking PostgreSQL
   * (libs/org/src/actor-cache.ts): changes reach every replica at once through LISTEN/NOTIFY,
   * this only bounds an entry's life. 0: every request asks PostgreSQL.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60000)
  AUTH_CACHE_MS = 10000;

  /**
   * How long a request waits on Redis before going on without it: login then throttles in
   * process (same limits, per replica); a breach sweep leaves its second-stage timers to the
   * reconciler. No write of a case waits on Redis at all.
   */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(10000)
  REDIS_WAIT_MS = 300;

  /** redis://[:password@]host:port[/db] */
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// URL' })
  REDIS_URL: string;

  /**
   * Redis Cluster seed nodes, "host:port,host:port": when set, every Redis client is a cluster
   * client (BullMQ queues get hash-tagged prefixes). REDIS_URL then gives only the password and TLS.
   */
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @Matches(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, { message: 'must be host:port pairs separated by commas' })
  REDIS_CLUSTER_NODES?: string;

  /** The Redis Cluster's password (AUTH); when unset, REDIS_URL's. Never logged. */
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  REDIS_PASSWORD?: string;

  /** Prefix of every BullMQ key, so test runs and demo data never share queues. */
  @Matches(/^[a-z0-9:_-]{1,40}$/, { message: 'must be 1-40 characters of a-z, 0-9, ":", "_" or "-"' })
  QUEUE_PREFIX = 'shouhu';

  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (generate one with: openssl rand -base64 48)' })
  JWT_SECRET: string;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  JWT_TTL_SECONDS = 8 * 3600;

  /** base64 of 32 random bytes; encrypts national ID numbers at rest. */
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be base64 of exactly 32 bytes (openssl rand -base64 32)' })
  DATA_ENCRYPTION_KEY: string;

  @Matches(/^[a-z0-9-]{1,20}$/, { message: 'must be 1-20 characters of a-z, 0-9 or "-"' })
  DATA_ENCRYPTION_KEY_ID = 'k1';

  /** Keys of earlier rotations, still needed to read old rows: "k0:<base64>,k00:<base64>". */
  @IsOptional()
  @Matches(/^([a-z0-9-]{1,20}:[A-Za-z0-9+/]{43}=)(,[a-z0-9-]{1,20}:[A-Za-z0-9+/]{43}=)*$/, { message: 'must be id:base64key pairs separated by commas' })
  DATA_ENCRYPTION_PREVIOUS_KEYS?: string;

  /** base64 of 32 bytes for the duplicate-matching HMAC; defaults to one derived from DATA_ENCRYPTION_KEY. Set it (to the old key) before rotating. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be base64 of exactly 32 bytes' })
  DATA_MATCH_KEY?: string;

  @IsString()
  @MinLength(8)
  DEMO_PASSWORD = 'shouhu-demo';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Failed logins allowed per username in one window before 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_USERNAME = 5;

  /**
   * Failed logins allowed per client IP in one window before 429. Successful logins
   * never count: a street office signs in from one NAT address.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_ATTEMPTS_PER_IP = 30;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_THROTTLE_WINDOW_SECONDS = 900;

  /** Trust X-Forwarded-For (only behind a reverse proxy you run). */
  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY = false;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 256 * 1024;

  /** Multiplies every deadline duration (0.0001 turns 24 h into about 9 s for demos and tests). */
  @Transform(toNumber)
  @IsNumber()
  @IsPositive()
  SLA_TIME_SCALE = 1;

  /** The deadline policy (domain.md §6–7): durations in h, d or wd. Defaults to the shipped config/sla-policy.json. */
  @IsString()
  @IsNotEmpty()
  SLA_POLICY_FILE = DEFAULT_SLA_POLICY_FILE;

  /** Where the shipped official calendars live (config/calendar/<year>.json); years not yet in the database are loaded from here. */
  @IsString()
  @IsNotEmpty()
  CALENDAR_DIR = DEFAULT_CALENDAR_DIR;

  /** The local storage driver's folder for evidence attachments (files encrypted with the data key). */
  @IsString()
  @IsNotEmpty()
  ATTACHMENT_DIR = DEFAULT_ATTACHMENT_DIR;

  /** The largest evidence attachment accepted, in bytes (api.md: 20 MB). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

  /**
   * base64 of 32 random bytes; encrypts backups (npm run backup, scripts/backup-crypto.ts). Needed
   * only by the backup and restore tools. Keep it away from the backups themselves.
   */
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be base64 of exactly 32 bytes (openssl rand -base64 32)' })
  BACKUP_ENCRYPTION_KEY?: string;

  /** A label for the backup key, written in each backup's header beside the key's fingerprint (never the key). */
  @Matches(/^[a-z0-9-]{1,20}$/, { message: 'must be 1-20 characters of a-z, 0-9 or "-"' })
  BACKUP_ENCRYPTION_KEY_ID = 'b1';

  /** Where npm run backup writes shouhu-<UTC timestamp>.backup files. */
  @IsString()
  @IsNotEmpty()
  BACKUP_DIR = DEFAULT_BACKUP_DIR;

  /** npm run restore: the database to create and restore into (a --database flag names another on that server). */
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  RESTORE_DATABASE_URL?: string;

  /** npm run restore: where the attachment files go (default ATTACHMENT_DIR; a --attachments-dir flag wins). */
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  RESTORE_ATTACHMENT_DIR?: string;

  /** /api/stats alerts: a deadline breach rate (0–1) above this, by step or street, is an alert. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  STATS_ALERT_BREACH_RATE = 0.2;

  /** /api/stats alerts: a re-report rate within 90 days (0–1) above this is an alert. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  STATS_ALERT_REREPORT_RATE = 0.15;

  /** How often the worker checks each district's indicators for new alerts and tells district staff. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  STATS_ALERT_CHECK_MS = 15 * 60 * 1000;

  /** The built browser console, served at /. Missing: the api serves only /api and /metrics, and says so once at start-up. */
  @IsString()
  @IsNotEmpty()
  CONSOLE_DIR = DEFAULT_CONSOLE_DIR;

  /** Set by npm start: the api writes "<pid> <port>" there once it listens, so the banner names the port it really bound. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  SHOUHU_READY_FILE?: string;

  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  METRICS_TOKEN?: string;

  get isProduction(): boolean {
    return this.NODE_ENV === NodeEnv.Production;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n') +
        '\nSet these environment variables (see README "Configuration").',
    );
    this.name = 'ConfigError';
  }
}

function describe(errors: ValidationError[]): { variable: string; message: string }[] {
  return errors.map((e) => ({
    variable: e.property,
    message:
      e.value === undefined
        ? 'is required but not set'
        : Object.values(e.constraints ?? {}).join('; ') + ` (got ${JSON.stringify(redact(e.property, e.value))})`,
  }));
}

function redact(variable: string, value: unknown): unknown {
  return /SECRET|KEY|PASSWORD|URL|TOKEN/.test(variable) ? '<hidden>' : value;
}

/** Variables without a default are not own properties of a fresh AppConfig. */
const known = new Set([
  ...Object.keys(new AppConfig()),
  'DATABASE_URL',
  'DATABASE_REPLICA_URLS',
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'REDIS_PASSWORD',
  'JWT_SECRET',
  'DATA_ENCRYPTION_KEY',
  'METRICS_TOKEN',
  'DATA_ENCRYPTION_PREVIOUS_KEYS',
  'DATA_MATCH_KEY',
  'BACKUP_ENCRYPTION_KEY',
  'RESTORE_DATABASE_URL',
  'RESTORE_ATTACHMENT_DIR',
]);

/**
 * Builds and validates the configuration from an environment record.
 * Throws a ConfigError naming every bad or missing variable.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && known.has(key)) {
      raw[key] = value;
    }
  }
  // exposeUnsetFields: false keeps the default when a transform maps an empty value to undefined.
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true, exposeUnsetFields: false });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(describe(errors));
  return Object.freeze(config);
}

let cached: AppConfig | undefined;

/** The process configuration, read from process.env once. */
export function processConfig(): AppConfig {
  cached ??= loadConfig(process.env);
  return cached;
}

/** The process environment with some variables replaced (tests, tools), validated. */
export function configWith(overrides: Record<string, string | undefined>): AppConfig {
  return loadConfig({ ...process.env, ...overrides });
}
