import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from './http.js';
import type { ApiServices } from './services.js';

export function dailyJobsRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/daily-jobs',
      {
        schema: {
          tags: ['daily jobs'],
          summary: 'Every job expected on a date (learned or configured schedule) with its run and review state',
          querystring: Type.Object({
            date: Type.Optional(Type.String({ description: 'YYYY-MM-DD in the instance time zone; default today' })),
            customerId: Type.Optional(Type.Integer({ minimum: 1 })),
          }),
        },
      },
      async (req) => s.dailyJobs.list(actorOf(req), req.query),
    );
  };
}
