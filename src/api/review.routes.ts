import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, intParam } from './http.js';
import { OverrideInputSchema } from './override.routes.js';
import type { ApiServices } from './services.js';

const IdParams = Type.Object({ id: Type.String() });

/** Run Checks (admins and operators): unreviewed runs grouped by job, reviewing, undo, Mark as success. */
export function reviewRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/run-checks',
      {
        schema: {
          tags: ['run checks'],
          summary: 'Jobs with unreviewed runs, failed/missed first, then warnings, then the rest',
          querystring: Type.Object({
            customerId: Type.Optional(Type.Integer({ minimum: 1 })),
            q: Type.Optional(Type.String({ description: 'part of the job or customer name' })),
            includeReviewed: Type.Optional(
              Type.Boolean({ description: 'admins: also runs reviewed in the last 7 days' }),
            ),
            page: Type.Optional(Type.Integer({ minimum: 1 })),
            pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          }),
        },
      },
      async (req) => s.review.list(actorOf(req), req.query),
    );
    app.get(
      '/run-checks/jobs/:jobId',
      {
        schema: {
          tags: ['run checks'],
          summary: "A job's unreviewed runs with its remarks and open tickets",
          params: Type.Object({ jobId: Type.String() }),
          querystring: Type.Object({ includeReviewed: Type.Optional(Type.Boolean()) }),
        },
      },
      async (req) =>
        s.review.job(actorOf(req), intParam(req.params.jobId, 'jobId'), req.query.includeReviewed ?? false),
    );
    app.post(
      '/run-checks/review',
      {
        schema: {
          tags: ['run checks'],
          summary: 'Mark every unreviewed run of these jobs as reviewed',
          body: Type.Object({ jobIds: Type.Array(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
        },
      },
      async (req) => s.review.review(actorOf(req), req.body.jobIds),
    );
    app.post(
      '/runs/:id/unreview',
      { schema: { tags: ['run checks'], summary: 'Undo a review (admins)', params: IdParams } },
      async (req) => s.review.unreview(actorOf(req), intParam(req.params.id)),
    );
    app.post(
      '/runs/:id/mark-success',
      {
        schema: {
          tags: ['run checks'],
          summary: 'Count the run as success and review it; with `override`, also create a rule for future runs',
          params: IdParams,
          body: Type.Object({ override: Type.Optional(OverrideInputSchema) }, { additionalProperties: false }),
        },
      },
      async (req) => s.review.markSuccess(actorOf(req), intParam(req.params.id), req.body ?? {}),
    );
    app.get(
      '/runs/:id/override-draft',
      {
        schema: { tags: ['run checks'], summary: 'An override pre-filled from the run', params: IdParams },
      },
      async (req) => s.review.overrideDraft(actorOf(req), intParam(req.params.id)),
    );
  };
}
