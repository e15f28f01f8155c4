export {
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
  processConfig,
} from './app-config';
export { ConfigModule } from './config.module';
export { LogFormat, logFormatFor, prettyLogStream, prettyMessage, REDACTED_LOG_PATHS, withLogFormat } from './logging';
