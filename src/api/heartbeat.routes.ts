import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { PingKind } from '../services/heartbeat.service.js';
import type { ApiServices } from './services.js';

/** A pinging script sends at most this many requests per minute per token and address. */
const PINGS_PER_MINUTE = 60;
/** Bodies above 100 KB are cut by the service, not refused; beyond this the request is refused. */
const BODY_LIMIT = 1024 * 1024;

/**
 * Heartbeats: `/ping/<token>`, `/ping/<token>/start`, `/ping/<token>/fail` (GET or POST), outside
 * /api and without sign-in — the token is the secret. Any body (text of any content type) is kept
 * as the run's log. Answers are plain text for curl and wget.
 */
export function heartbeatRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Scripts send whatever `curl -d` or `--data-binary @log` makes of their output: take every
    // content type as raw bytes (this plugin's scope only; /api keeps its JSON parsing).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

    const handle =
      (kind: PingKind) => async (req: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) => {
        try {
          await s.heartbeats.ping(req.params.token, kind, (req.body as Buffer | undefined) ?? null);
          return await reply.type('text/plain; charset=utf-8').send('OK');
        } catch (err) {
          if (err instanceof AppError && err.statusCode === 404)
            return reply.status(404).type('text/plain; charset=utf-8').send('not found');
          throw err;
        }
      };
    const opts = {
      bodyLimit: BODY_LIMIT,
      config: {
        rateLimit: {
          max: PINGS_PER_MINUTE,
          timeWindow: '1 minute',
          keyGenerator: (req: FastifyRequest) => `${req.ip} ${(req.params as { token?: string }).token ?? ''}`,
        },
      },
      schema: {
        tags: ['heartbeats'],
        params: Type.Object({ token: Type.String({ maxLength: 200 }) }),
        security: [],
      },
    };
    for (const [suffix, kind] of [
      ['', 'success'],
      ['/start', 'start'],
      ['/fail', 'fail'],
    ] as const) {
      const summary =
        kind === 'success' ? 'Report success' : kind === 'start' ? 'Report that the job started' : 'Report a failure';
      app.get(`/ping/:token${suffix}`, { ...opts, schema: { ...opts.schema, summary } }, handle(kind));
      app.post(`/ping/:token${suffix}`, { ...opts, schema: { ...opts.schema, summary } }, handle(kind));
    }
  };
}
