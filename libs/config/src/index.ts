export { AppConfig, ConfigError, configWith, DEFAULT_CONSOLE_DIR, loadConfig, NodeEnv, processConfig } from './app-config';
export { ConfigModule } from './config.module';
export { LogFormat, logFormatFor, prettyLogStream, prettyMessage, REDACTED_LOG_PATHS, withLogFormat } from './logging';
