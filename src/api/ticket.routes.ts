import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, intParam } from './http.js';
import type { ApiServices } from './services.js';

const IdParams = Type.Object({ id: Type.String() });
const NullableDate = Type.Union([Type.Null(), Type.String({ description: 'ISO date or date-time' })]);
const Scope = Type.Object(
  {
    kind: Type.String({ description: 'job | customer | object' }),
    jobId: Type.Optional(Type.Integer({ minimum: 1 })),
    customerId: Type.Optional(Type.Integer({ minimum: 1 })),
    objectName: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
const TicketFields = {
  code: Type.String({ maxLength: 200, description: 'external reference (PSA ticket number)' }),
  description: Type.Optional(Type.String({ maxLength: 10_000 })),
  activeFrom: Type.Optional(NullableDate),
  startDate: Type.Optional(NullableDate),
  scopes: Type.Array(Scope, { maxItems: 500 }),
};

export function ticketRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/tickets',
      {
        schema: {
          tags: ['tickets'],
          querystring: Type.Object({
            open: Type.Optional(Type.Boolean()),
            jobId: Type.Optional(Type.Integer({ minimum: 1, description: 'tickets that count for this job' })),
            customerId: Type.Optional(Type.Integer({ minimum: 1 })),
          }),
        },
      },
      async (req) => s.tickets.list(actorOf(req), req.query),
    );
    app.post(
      '/tickets',
      {
        schema: {
          tags: ['tickets'],
          summary:
            'Create a ticket (from Run Checks with runId: scopes default to the run’s job); it does not review anything',
          body: Type.Object(
            {
              ...TicketFields,
              scopes: Type.Optional(TicketFields.scopes),
              runId: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 1 })])),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req, reply) => reply.status(201).send(await s.tickets.create(actorOf(req), req.body)),
    );
    app.get('/tickets/:id', { schema: { tags: ['tickets'], params: IdParams } }, async (req) =>
      s.tickets.get(actorOf(req), intParam(req.params.id)),
    );
    app.patch(
      '/tickets/:id',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Edit, resolve (resolvedAt) or reopen (resolvedAt: null) a ticket',
          params: IdParams,
          body: Type.Object(
            {
              code: Type.Optional(TicketFields.code),
              description: TicketFields.description,
              activeFrom: TicketFields.activeFrom,
              startDate: TicketFields.startDate,
              resolvedAt: Type.Optional(NullableDate),
              scopes: Type.Optional(TicketFields.scopes),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => s.tickets.update(actorOf(req), intParam(req.params.id), req.body),
    );
    app.delete('/tickets/:id', { schema: { tags: ['tickets'], params: IdParams } }, async (req, reply) => {
      await s.tickets.delete(actorOf(req), intParam(req.params.id));
      return reply.status(204).send();
    });
  };
}
