import { Controller, Get, Header, Inject, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Gauge } from 'prom-client';
import { Public } from '@shouhu/auth';
import { AppConfig } from '@shouhu/config';
import { DependencyProbe, PreparedReads } from '@shouhu/database';
import { DeadlineService } from '@shouhu/deadlines';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { JobMonitor } from '@shouhu/jobs';
import { ApiErrors } from './http/error-body';
import { HttpMetrics } from './http/http-metrics';

/**
 * GET /metrics (outside /api): Prometheus text. Gauges are read at scrape time
 * from BullMQ and PostgreSQL, so every api replica reports the same queue and
 * deadline figures and its own HTTP and pool figures.
 */
@ApiTags('operations')
@Controller({ path: 'metrics' })
export class MetricsController {
  private readonly queueJobs: Gauge<'queue' | 'state'>;
  private readonly deadlines: Gauge<'kind' | 'status'>;
  private readonly pool: Gauge<'state'>;
  private readonly queuePool: Gauge<'state'>;

  constructor(
    private readonly metrics: HttpMetrics,
    private readonly deadlineService: DeadlineService,
    private readonly jobs: JobMonitor,
    private readonly probe: DependencyProbe,
    private readonly prepared: PreparedReads,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    const registers = [metrics.registry];
    this.queueJobs = new Gauge({
      name: 'shouhu_queue_jobs',
      help: 'BullMQ jobs by queue and state (waiting, delayed, active, failed…)',
      labelNames: ['queue', 'state'],
      registers,
    });
    this.deadlines = new Gauge({
      name: 'shouhu_deadlines',
      help: 'Open deadlines by kind and status (pending, breached)',
      labelNames: ['kind', 'status'],
      registers,
    });
    this.pool = new Gauge({
      name: 'shouhu_db_pool_connections',
      help: 'PostgreSQL pool connections of this process (total, idle, waiting clients)',
      labelNames: ['state'],
      registers,
    });
    this.queuePool = new Gauge({
      name: 'shouhu_db_queue_pool_connections',
      help: "The queue's own PostgreSQL pool of this process (DB_QUEUE_POOL_SIZE): total, idle, waiting clients",
      labelNames: ['state'],
      registers,
    });
  }

  @Public()
  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: '监控指标 (Prometheus metrics); set METRICS_TOKEN to require `Authorization: Bearer <token>`' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'the Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiErrors([401, 503], {
    401: { description: 'UNAUTHENTICATED: METRICS_TOKEN is set and the request does not carry it', message: 'metrics need the metrics token' },
  })
  async scrape(@Req() request: FastifyRequest): Promise<string> {
    if (this.config.METRICS_TOKEN && request.headers.authorization !== `Bearer ${this.config.METRICS_TOKEN}`) {
      throw new DomainError(ErrorCode.Unauthenticated, 'metrics need the metrics token');
    }
    await Promise.all([this.collectQueues(), this.collectDeadlines()]);
    this.collectPool();
    return this.metrics.registry.metrics();
  }

  private async collectQueues(): Promise<void> {
    this.queueJobs.reset();
    // With Redis away the scrape still answers, without queue figures (never a wait on Redis).
    const counts = await this.jobs.jobCounts(Math.max(this.config.REDIS_WAIT_MS, 500));
    for (const [queue, byState] of counts) for (const [state, n] of Object.entries(byState)) this.queueJobs.set({ queue, state }, n);
  }

  private async collectDeadlines(): Promise<void> {
    this.deadlines.reset();
    for (const row of await this.deadlineService.countsByKind()) this.deadlines.set({ kind: row.kind, status: row.status }, row.n);
  }

  private collectPool(): void {
    const pool = this.probe.pool();
    if (!pool) return;
    this.pool.set({ state: 'total' }, pool.total);
    this.pool.set({ state: 'idle' }, pool.idle);
    this.pool.set({ state: 'waiting' }, pool.waiting);
    const queue = this.prepared.poolStats();
    if (!queue) return;
    this.queuePool.set({ state: 'total' }, queue.total);
    this.queuePool.set({ state: 'idle' }, queue.idle);
    this.queuePool.set({ state: 'waiting' }, queue.waiting);
  }
}
