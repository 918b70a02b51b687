import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, intParam } from './http.js';
import type { ApiServices } from './services.js';

const IdParams = Type.Object({ id: Type.String() });
const NullableDate = Type.Union([Type.Null(), Type.String({ description: 'ISO date or date-time' })]);

export function remarkRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/remarks',
      {
        schema: {
          tags: ['remarks'],
          querystring: Type.Object({
            jobId: Type.Optional(Type.Integer({ minimum: 1 })),
            open: Type.Optional(Type.Boolean({ description: 'true: unresolved only; false: resolved only' })),
          }),
        },
      },
      async (req) => s.remarks.list(actorOf(req), req.query),
    );
    app.post(
      '/remarks',
      {
        schema: {
          tags: ['remarks'],
          summary: 'Add a remark to a job (optionally about one run); it does not review anything',
          body: Type.Object(
            {
              jobId: Type.Integer({ minimum: 1 }),
              runId: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 1 })])),
              text: Type.String({ maxLength: 10_000 }),
              startDate: Type.Optional(NullableDate),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req, reply) => reply.status(201).send(await s.remarks.create(actorOf(req), req.body)),
    );
    app.get('/remarks/:id', { schema: { tags: ['remarks'], params: IdParams } }, async (req) =>
      s.remarks.get(actorOf(req), intParam(req.params.id)),
    );
    app.patch(
      '/remarks/:id',
      {
        schema: {
          tags: ['remarks'],
          summary: 'Edit, resolve (resolvedAt) or reopen (resolvedAt: null) a remark',
          params: IdParams,
          body: Type.Object(
            {
              text: Type.Optional(Type.String({ maxLength: 10_000 })),
              startDate: Type.Optional(NullableDate),
              resolvedAt: Type.Optional(NullableDate),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => s.remarks.update(actorOf(req), intParam(req.params.id), req.body),
    );
    app.delete('/remarks/:id', { schema: { tags: ['remarks'], params: IdParams } }, async (req, reply) => {
      await s.remarks.delete(actorOf(req), intParam(req.params.id));
      return reply.status(204).send();
    });
  };
}
