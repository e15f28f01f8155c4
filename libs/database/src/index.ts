export { TimeoutError, within } from './bounded';
export { DatabaseModule } from './database.module';
export { createCliDataSource, dataSourceOptions, ENTITY_GLOB, MIGRATION_GLOB } from './data-source-options';
export { RedisClient, redisOptions } from './redis';
export { SnakeNamingStrategy } from './snake-naming.strategy';
export { SQL_FALSE, SQL_TRUE } from './sql-condition';
export type { SqlCondition } from './sql-condition';
export { TransactionRunner } from './transaction';
