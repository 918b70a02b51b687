import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from './http.js';
import type { ApiServices } from './services.js';

export function dashboardRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/dashboard',
      {
        schema: {
          tags: ['dashboard'],
          summary:
            'Run counts by status (last 24 h / 7 days), failing jobs, running runs, next scheduled runs and per-day series (last 14 days, instance time zone)',
          querystring: Type.Object({
            customerId: Type.Optional(Type.Integer({ minimum: 1, description: 'Only this customer' })),
          }),
        },
      },
      async (req) => s.dashboard.get(actorOf(req), { customerId: req.query.customerId }),
    );
  };
}
