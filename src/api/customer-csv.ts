import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from './http.js';
import type { ApiServices } from './services.js';

/** Customers as CSV: export for spreadsheets, import to create or update many at once. */
export function customerCsvRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/customers/export',
      { schema: { tags: ['customers'], summary: 'Customers as CSV (name,slug,active,timezone,jobs)' } },
      async (req, reply) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="customers.csv"')
          .send(await s.customers.exportCsv(actorOf(req))),
    );
    app.post(
      '/customers/import',
      {
        schema: {
          tags: ['customers'],
          summary: 'Create or update customers from CSV (name[,active][,timezone]); all or nothing',
          body: Type.Object(
            {
              csv: Type.String({ maxLength: 5 * 1024 * 1024, description: 'the CSV text; a header line is optional' }),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => s.customers.importCsv(actorOf(req), req.body.csv),
    );
  };
}
