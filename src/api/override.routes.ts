import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, intParam } from './http.js';
import type { ApiServices } from './services.js';

const IdParams = Type.Object({ id: Type.String() });
// Null first: with ajv's type coercion a null tried against integer first would become 0.
const NullableInt = Type.Union([Type.Null(), Type.Integer()]);
const NullableText = Type.Union([Type.Null(), Type.String({ maxLength: 2000 })]);

/** An override rule as accepted by POST/PATCH /api/overrides and "Mark as success". */
export const OverrideInputSchema = Type.Object(
  {
    level: Type.Optional(
      Type.String({ description: 'global | job | object (derived from jobId/objectName when absent)' }),
    ),
    customerId: Type.Optional(NullableInt),
    jobId: Type.Optional(NullableInt),
    objectName: Type.Optional(NullableText),
    software: Type.Optional(NullableText),
    backupType: Type.Optional(NullableText),
    jobNamePattern: Type.Optional(NullableText),
    statuses: Type.Optional(Type.Array(Type.String(), { description: 'warning and/or failed' })),
    errorMatch: Type.Optional(Type.String({ description: 'contains | exact | starts_with | ends_with' })),
    errorText: Type.Optional(Type.String()),
    treatAsSuccess: Type.Optional(Type.Boolean()),
    validFrom: Type.Optional(NullableText),
    validUntil: Type.Optional(NullableText),
    comment: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export function overrideRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/overrides',
      {
        schema: {
          tags: ['overrides'],
          summary: 'Override rules visible to the caller (global ones included)',
          querystring: Type.Object({
            jobId: Type.Optional(Type.Integer({ minimum: 1 })),
            customerId: Type.Optional(Type.Integer({ minimum: 1 })),
          }),
        },
      },
      async (req) => s.overrides.list(actorOf(req), req.query),
    );
    app.post(
      '/overrides',
      {
        schema: {
          tags: ['overrides'],
          summary: 'Create an override (operators and admins)',
          body: OverrideInputSchema,
        },
      },
      async (req, reply) => reply.status(201).send(await s.overrides.create(actorOf(req), req.body)),
    );
    app.post(
      '/overrides/apply',
      {
        schema: {
          tags: ['overrides'],
          summary: 'Re-evaluate unreviewed runs against the current rules; answers how many changed',
        },
      },
      async (req) => s.overrides.apply(actorOf(req)),
    );
    app.get('/overrides/:id', { schema: { tags: ['overrides'], params: IdParams } }, async (req) =>
      s.overrides.get(actorOf(req), intParam(req.params.id)),
    );
    app.patch(
      '/overrides/:id',
      { schema: { tags: ['overrides'], params: IdParams, body: Type.Partial(OverrideInputSchema) } },
      async (req) => s.overrides.update(actorOf(req), intParam(req.params.id), req.body),
    );
    app.delete(
      '/overrides/:id',
      { schema: { tags: ['overrides'], summary: 'Delete an override (admins)', params: IdParams } },
      async (req, reply) => {
        await s.overrides.delete(actorOf(req), intParam(req.params.id));
        return reply.status(204).send();
      },
    );
  };
}
