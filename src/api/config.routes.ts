import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from './http.js';
import type { ApiServices } from './services.js';

export function configRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/config/apply',
      {
        schema: {
          tags: ['configuration'],
          summary: 'Apply a YAML configuration document (idempotent; validated fully before any change)',
          body: Type.Object(
            { yaml: Type.String({ maxLength: 5_000_000 }), dryRun: Type.Optional(Type.Boolean()) },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => s.config.apply(actorOf(req), req.body.yaml, req.body.dryRun ?? false),
    );
    app.get(
      '/config/export',
      { schema: { tags: ['configuration'], summary: 'The current configuration as YAML (secrets omitted)' } },
      async (req) => s.config.export(actorOf(req)),
    );
  };
}
