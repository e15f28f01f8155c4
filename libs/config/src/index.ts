export { AppConfig, ConfigError, configWith, DEFAULT_CONSOLE_DIR, loadConfig, NodeEnv, processConfig } from './app-config';
export { ConfigModule } from './config.module';
