import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, intParam } from './http.js';
import type { ApiServices } from './services.js';

const IdParams = Type.Object({ id: Type.String({ description: 'message id' }) });

export function inboxRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/inbox',
      {
        schema: {
          tags: ['inbox'],
          summary: 'Report e-mails no monitored job claims yet, newest first',
          description: 'Only for users with access to all customers. deleted=true (admins) lists deleted messages.',
          querystring: Type.Object({
            page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
            pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
            q: Type.Optional(
              Type.String({ description: 'part of the subject, sender or job name (case-insensitive)' }),
            ),
            deleted: Type.Optional(Type.Boolean({ description: 'list soft-deleted messages instead (admins)' })),
          }),
        },
      },
      async (req) => s.inbox.list(actorOf(req), req.query),
    );
    app.post(
      '/inbox/reparse',
      {
        schema: {
          tags: ['inbox'],
          summary: 'Run the parsers again over every Inbox message and link those that now match a job',
        },
      },
      async (req) => s.inbox.reparse(actorOf(req)),
    );
    app.post(
      '/inbox/:id/approve',
      {
        schema: {
          tags: ['inbox'],
          summary: 'Create the monitored job from this message for a customer',
          description:
            "The job takes the parser's software, type and job name and the sender; this message becomes its first run and every other Inbox message that now matches is linked too (`linked` counts them all). 409 when the message is unparsed, linked or deleted.",
          params: IdParams,
          body: Type.Object(
            { customerId: Type.Integer({ minimum: 1, description: 'customer the new job belongs to' }) },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => s.inbox.approve(actorOf(req), intParam(req.params.id), req.body.customerId),
    );
    app.delete(
      '/inbox/:id',
      { schema: { tags: ['inbox'], summary: 'Delete an Inbox message (soft delete)', params: IdParams } },
      async (req, reply) => {
        await s.inbox.delete(actorOf(req), intParam(req.params.id));
        return reply.status(204).send();
      },
    );
    app.post(
      '/inbox/:id/restore',
      { schema: { tags: ['inbox'], summary: 'Bring a deleted message back to the Inbox (admins)', params: IdParams } },
      async (req) => s.inbox.restore(actorOf(req), intParam(req.params.id)),
    );
    app.get(
      '/customers/search',
      {
        schema: {
          tags: ['customers'],
          summary: 'Active customers whose name contains q (max 20), for the approve dialog',
          querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) }),
        },
      },
      async (req) => s.inbox.searchCustomers(actorOf(req), req.query.q ?? ''),
    );
  };
}
