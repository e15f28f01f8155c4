import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { within } from './bounded';
import { RedisClient } from './redis';

/** The connections of this process's PostgreSQL pool. */
export interface PoolStats {
  total: number;
  idle: number;
  /** Clients waiting for a connection. */
  waiting: number;
}

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Whether PostgreSQL and Redis answer, within a bound (for health and metrics: never a long wait). */
@Injectable()
export class DependencyProbe {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisClient,
  ) {}

  async databaseUp(waitMs: number): Promise<boolean> {
    try {
      await within(waitMs, this.db.query('SELECT 1'));
      return true;
    } catch {
      return false;
    }
  }

  async redisUp(waitMs: number): Promise<boolean> {
    try {
      return (await within(waitMs, this.redis.client.ping())) === 'PONG';
    } catch {
      return false;
    }
  }

  /** The PostgreSQL pool of this process; null before the driver made one. */
  pool(): PoolStats | null {
    const pool = (this.db.driver as unknown as { master?: PgPool }).master;
    return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
  }
}
