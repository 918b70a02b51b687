import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from './http.js';
import type { ApiServices } from './services.js';

export function settingsRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/settings', { schema: { tags: ['settings'], summary: 'Instance settings' } }, async (req) =>
      s.settings.get(actorOf(req)),
    );
    app.patch(
      '/settings',
      {
        schema: {
          tags: ['settings'],
          body: Type.Object(
            {
              maxConcurrentRuns: Type.Optional(Type.Integer()),
              timezone: Type.Optional(Type.String()),
              catchUpWindowSeconds: Type.Optional(Type.Integer()),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => s.settings.update(actorOf(req), req.body),
    );
    app.get(
      '/audit',
      {
        schema: {
          tags: ['settings'],
          summary: 'Audit log (admins)',
          querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
        },
      },
      async (req) => ({
        items: await s.audit.list(actorOf(req), req.query.limit ?? 200),
      }),
    );
  };
}
