import type { FastifyPluginAsync } from 'fastify';
import type { ApiServices } from './services.js';

export function healthRoutes(s: ApiServices, opts: { metricsToken?: string | undefined }): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness: the process answers' } }, async () => ({
      ok: true,
    }));
    app.get(
      '/readyz',
      { schema: { tags: ['operations'], summary: 'Readiness: the database answers and migrations ran' } },
      async (_req, reply) => {
        const h = await s.health();
        return reply.status(h.ok ? 200 : 503).send(h);
      },
    );
    app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics' } }, async (req, reply) => {
      if (opts.metricsToken && req.headers.authorization !== `Bearer ${opts.metricsToken}`) {
        return reply
          .status(401)
          .send({ error: { code: 'unauthorized', message: 'metrics need the KEEPWATCH_METRICS_TOKEN bearer token' } });
      }
      const m = await s.metrics();
      return reply.type(m.contentType).send(m.body);
    });
  };
}
