import type { FastifyInstance } from 'fastify';
import { Histogram, Registry } from 'prom-client';

/** The API's Prometheus registry and the HTTP latency histogram (by route template, method and status). */
export class HttpMetrics {
  readonly registry = new Registry();
  readonly duration = new Histogram({
    name: 'shouhu_http_request_duration_seconds',
    help: 'HTTP request duration by route template, method and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** Times every request; the route label is the template (/api/cases/:id), never a real id. */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions?.url ?? 'unmatched';
      this.duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
  }
}
