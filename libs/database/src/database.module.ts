import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@shouhu/config';
import { dataSourceOptions } from './data-source-options';
import { DependencyProbe } from './dependency-probe';
import { PreparedReads } from './prepared';
import { reachableReplicas, ReplicaReads, replicaUrls } from './replica';
import { RedisClient } from './redis';
import { TransactionRunner } from './transaction';

/** PostgreSQL (TypeORM, entities registered by each domain's forFeature) and Redis. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      // DATABASE_REPLICA_URLS: the replicas that answer at start-up (replica.ts); none, one pool on the primary.
      useFactory: async (config: AppConfig) => ({
        ...dataSourceOptions(config, 'shouhu', await reachableReplicas(replicaUrls(config), config.DB_CONNECT_TIMEOUT_MS, undefined, config.DATABASE_URL)),
        autoLoadEntities: true,
      }),
    }),
  ],
  providers: [TransactionRunner, RedisClient, DependencyProbe, ReplicaReads, PreparedReads],
  exports: [TransactionRunner, RedisClient, DependencyProbe, ReplicaReads, PreparedReads],
})
export class DatabaseModule {}
