import cookie from '@fastify/cookie';
import { Ajv } from 'ajv';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Kind, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.js';
import { SESSION_COOKIE } from '../services/auth.service.js';
import { authRoutes } from './auth.routes.js';
import { backupRoutes } from './backup.routes.js';
import { configRoutes } from './config.routes.js';
import { customerCsvRoutes } from './customer-csv.js';
import { dailyJobsRoutes } from './daily-jobs.routes.js';
import { dashboardRoutes } from './dashboard.routes.js';
import { healthRoutes } from './health.routes.js';
import { heartbeatRoutes } from './heartbeat.routes.js';
import { inboxRoutes } from './inbox.routes.js';
import { jobRoutes } from './job.routes.js';
import { mailRoutes } from './mail.routes.js';
import { monitoredJobRoutes } from './monitored-job.routes.js';
import { mailImporterRoutes } from './mail-importer.routes.js';
import { overrideRoutes } from './override.routes.js';
import { parserRoutes } from './parser.routes.js';
import { remarkRoutes } from './remark.routes.js';
import { resourceRoutes } from './resource.routes.js';
import { reviewRoutes } from './review.routes.js';
import { runRoutes } from './run.routes.js';
import type { ApiServices } from './services.js';
import { settingsRoutes } from './settings.routes.js';
import { ticketRoutes } from './ticket.routes.js';
import { registerWeb, wantsSpa } from './web.routes.js';

/** Routes reachable without signing in. Everything else under /api needs a session or token. */
const PUBLIC = new Set(['/api/auth/login', '/api/auth/setup', '/api/openapi.json', '/healthz', '/readyz', '/metrics']);

/** host[:port] of an Origin header; null for "null" (sandboxed frames, file: pages) and garbage. */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host || null;
  } catch {
    return null;
  }
}

const bodyChecks = new WeakMap<TSchema, TypeCheck<TSchema>>();

/**
 * Strict check of a JSON body against the route's TypeBox schema, before Fastify's own
 * validation: that one coerces types (needed for query strings and path parameters), which in a
 * body would silently turn `{"name": 5}` into "5" or `"false"` into false. Returns the first
 * problem with its field ("body.name: expected string"), or null.
 */
function bodyProblem(schema: unknown, body: unknown): string | null {
  if (!schema || typeof schema !== 'object' || !(Kind in schema)) return null;
  let check = bodyChecks.get(schema as TSchema);
  if (!check) {
    check = TypeCompiler.Compile(schema as TSchema);
    bodyChecks.set(schema as TSchema, check);
  }
  if (check.Check(body)) return null;
  const first = check.Errors(body).First();
  if (!first) return 'body is invalid';
  const field = first.path ? `body.${first.path.replace(/^\//, '').replace(/\//g, '.')}` : 'body';
  const message =
    first.message === 'Expected required property'
      ? 'is required'
      : first.message === 'Unexpected property'
        ? 'is not a known field'
        : first.message.charAt(0).toLowerCase() + first.message.slice(1);
  return `${field}: ${message}`;
}

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'validation_failed',
  415: 'validation_failed',
  422: 'validation_failed',
  429: 'rate_limited',
};

export interface ApiOptions {
  logger: FastifyBaseLogger | false;
  secureCookies: boolean;
  metricsToken?: string | undefined;
  /** Host of KEEPWATCH_PUBLIC_URL, accepted as an Origin for cookie-authenticated changes. */
  publicHost?: string | undefined;
}

export async function buildApi(services: ApiServices, opts: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    bodyLimit: 10 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('actor', null);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Keepwatch API',
        version: '1',
        description:
          'Runs, watches and reviews backup jobs. Authenticate with `Authorization: Bearer <API token>` (see `keepwatch login`) or the session cookie of the web UI.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  app.setErrorHandler(
    (
      err: Error & { statusCode?: number; code?: string; validation?: unknown; validationContext?: string },
      req,
      reply,
    ) => {
      if (err instanceof AppError) {
        return reply
          .status(err.statusCode)
          .send({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
      }
      if (err.validation) {
        // Fastify's message names the field ("body/name must be string"); keep it, drop the prefix noise.
        const message = err.message.replace(/^(body|querystring|params)\/?/, (m) =>
          m.endsWith('/') ? `${m.slice(0, -1)}.` : m,
        );
        return reply.status(400).send({ error: { code: 'validation_failed', message } });
      }
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        // Framework errors (bad JSON, unsupported media type, body too large, rate limit) get the
        // documented codes, not Fastify's internal ones (FST_ERR_...).
        const message =
          err.statusCode === 415
            ? `content type '${String(req.headers['content-type'] ?? '').slice(0, 100)}' is not supported; send JSON (application/json)`
            : err.message;
        return reply
          .status(err.statusCode)
          .send({ error: { code: CODE_BY_STATUS[err.statusCode] ?? 'bad_request', message } });
      }
      req.log.error({ err }, 'unhandled error');
      return reply.status(500).send({ error: { code: 'internal', message: 'internal error; see the server log' } });
    },
  );
  app.setNotFoundHandler((req, reply) =>
    wantsSpa(req.method, req.url, req.headers.accept)
      ? reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html')
      : reply
          .status(404)
          .send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (!path.startsWith('/api/') || PUBLIC.has(path) || path.startsWith('/api/docs')) return;
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    const session = req.cookies[SESSION_COOKIE];
    req.actor = await services.auth.authenticate({ bearer, session });
    if (!req.actor)
      return reply
        .status(401)
        .send({ error: { code: 'unauthorized', message: 'sign in or send an API token (Authorization: Bearer ...)' } });
    // Cookie-authenticated changes must come from our own pages: SameSite=Strict already stops
    // cross-site requests; the Origin check covers older browsers.
    if (!bearer && req.method !== 'GET' && req.method !== 'HEAD') {
      const origin = req.headers.origin;
      const host = originHost(origin ?? '');
      // Behind a proxy that rewrites Host, the public URL's host is ours too.
      if (origin !== undefined && host !== req.headers.host && host !== opts.publicHost) {
        return reply.status(403).send({ error: { code: 'forbidden', message: 'cross-origin request refused' } });
      }
    }
  });

  // Bodies were checked strictly above (TypeBox, no coercion); letting Fastify's coercing
  // validator run on them again would turn a JSON null into 0 (or 0 into null) for fields typed
  // "integer or null". Query strings and path parameters are text and do need coercion.
  const coercing = new Ajv({
    coerceTypes: 'array',
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? () => true : coercing.compile(schema)));
  app.addHook('preValidation', async (req, reply) => {
    if (req.body === undefined) return;
    const problem = bodyProblem(req.routeOptions.schema?.body, req.body);
    if (problem) return reply.status(400).send({ error: { code: 'validation_failed', message: problem } });
  });

  await app.register(healthRoutes(services, opts));
  await registerWeb(app);
  await app.register(authRoutes(services, opts), { prefix: '/api' });
  await app.register(resourceRoutes(services), { prefix: '/api' });
  await app.register(jobRoutes(services), { prefix: '/api' });
  await app.register(runRoutes(services), { prefix: '/api' });
  await app.register(dashboardRoutes(services), { prefix: '/api' });
  await app.register(backupRoutes(services), { prefix: '/api' });
  await app.register(configRoutes(services), { prefix: '/api' });
  await app.register(settingsRoutes(services), { prefix: '/api' });
  await app.register(mailRoutes(services), { prefix: '/api' });
  await app.register(inboxRoutes(services), { prefix: '/api' });
  await app.register(monitoredJobRoutes(services), { prefix: '/api' });
  await app.register(mailImporterRoutes(services), { prefix: '/api' });
  await app.register(parserRoutes(services), { prefix: '/api' });
  await app.register(customerCsvRoutes(services), { prefix: '/api' });
  await app.register(reviewRoutes(services), { prefix: '/api' });
  await app.register(overrideRoutes(services), { prefix: '/api' });
  await app.register(remarkRoutes(services), { prefix: '/api' });
  await app.register(ticketRoutes(services), { prefix: '/api' });
  await app.register(dailyJobsRoutes(services), { prefix: '/api' });
  await app.register(heartbeatRoutes(services));
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
