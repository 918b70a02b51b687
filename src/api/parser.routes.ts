import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from './http.js';
import type { ApiServices } from './services.js';

/** The read-only Parsers page: every parser in match order (first match wins). */
export function parserRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/parsers',
      { schema: { tags: ['mail'], summary: 'List the report parsers in match order' } },
      async (req) => s.parsers.list(actorOf(req)),
    );
  };
}
