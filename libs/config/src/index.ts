export { AppConfig, ConfigError, configWith, loadConfig, NodeEnv, processConfig } from './app-config';
export { ConfigModule } from './config.module';
