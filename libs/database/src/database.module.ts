import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@shouhu/config';
import { dataSourceOptions } from './data-source-options';
import { DependencyProbe } from './dependency-probe';
import { RedisClient } from './redis';
import { TransactionRunner } from './transaction';

/** PostgreSQL (TypeORM, entities registered by each domain's forFeature) and Redis. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config), autoLoadEntities: true }),
    }),
  ],
  providers: [TransactionRunner, RedisClient, DependencyProbe],
  exports: [TransactionRunner, RedisClient, DependencyProbe],
})
export class DatabaseModule {}
