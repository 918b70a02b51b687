import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { JOB_SORTS } from '../services/job.service.js';
import { actorOf } from './http.js';
import type { ApiServices } from './services.js';

const JobParams = Type.Object({ job: Type.String({ description: 'job id, name, or customer-slug/name' }) });
const Ref = Type.Union([Type.Integer(), Type.String()]);
const JobBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    kind: Type.Optional(
      Type.Union([Type.Literal('backup'), Type.Literal('monitored')], {
        description: "backup (default), or monitored with feed 'heartbeat'",
      }),
    ),
    feed: Type.Optional(Type.String({ description: "monitored jobs: 'heartbeat' (fed by /ping/<token>)" })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    customerId: Type.Optional(Type.Integer()),
    customer: Type.Optional(Type.String()),
    enabled: Type.Optional(Type.Boolean()),
    schedule: Type.Optional(
      Type.Unknown({
        description:
          '{type: manual} | {type: cron, expression, timezone} | {type: weekly, days, times, timezone} | {type: interval, everySeconds}',
      }),
    ),
    sourceId: Type.Optional(Type.Integer()),
    source: Type.Optional(Ref),
    database: Type.Optional(Type.Union([Type.Null(), Type.String()])),
    destinations: Type.Optional(
      Type.Array(
        Type.Object(
          {
            destinationId: Type.Optional(Type.Integer()),
            destination: Type.Optional(Ref),
            retention: Type.Optional(
              Type.Unknown({
                description: '{type: none} | {type: keep_last, count} | {type: gfs, daily, weekly, monthly, yearly}',
              }),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    compression: Type.Optional(
      Type.Object(
        {
          algorithm: Type.String({ description: 'none, gzip, brotli or zstd' }),
          level: Type.Optional(
            Type.Union([Type.Null(), Type.Integer()], { description: 'gzip 1-9, brotli 0-11, zstd 1-19' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    // Null first: with ajv's type coercion a null tried against integer first would become 0.
    encryptionProfileId: Type.Optional(Type.Union([Type.Null(), Type.Integer()])),
    encryptionProfile: Type.Optional(Type.Union([Type.Null(), Ref])),
    timeout: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
    timeoutSeconds: Type.Optional(Type.Integer()),
    notifications: Type.Optional(
      Type.Array(
        Type.Object(
          {
            channelId: Type.Optional(Type.Integer()),
            channel: Type.Optional(Ref),
            condition: Type.Optional(Type.String()),
            when: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    sizeCheck: Type.Optional(
      Type.Object(
        { minBytes: Type.Optional(Type.Integer()), minRatio: Type.Optional(Type.Number()) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const NotEditable = (what: string) =>
  Type.Optional(
    Type.Unknown({ description: `${what} of a monitored job: comes from the approved report; refused with a 400` }),
  );
/**
 * PATCH: the create fields, plus `maxRunSeconds` (heartbeat jobs) and the match criteria of
 * monitored jobs, which are accepted here only to be refused with a message saying why.
 */
const JobPatchBody = Type.Object(
  {
    ...JobBody.properties,
    maxRunSeconds: Type.Optional(
      Type.Integer({
        description:
          'monitored heartbeat jobs: seconds a started run waits for its success/fail ping before it fails (60–604800, default 86400)',
      }),
    ),
    software: NotEditable('software'),
    backupType: NotEditable('backup type'),
    type: NotEditable('backup type'),
    jobName: NotEditable('job name in the reports'),
    sender: NotEditable('sender'),
    subjectPattern: NotEditable('subject pattern'),
  },
  { additionalProperties: false },
);

export function jobRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/jobs',
      {
        schema: {
          tags: ['jobs'],
          summary: 'List jobs, filtered, sorted and paged on the server',
          querystring: Type.Object({
            kind: Type.Optional(Type.String({ description: 'backup, monitored or system' })),
            status: Type.Optional(Type.String({ description: 'comma-separated: active,disabled,running,failed' })),
            q: Type.Optional(Type.String({ description: 'part of the name, case-insensitive' })),
            customerId: Type.Optional(Type.Integer()),
            archived: Type.Optional(Type.Boolean()),
            sort: Type.Optional(
              Type.Union(
                JOB_SORTS.map((k) => Type.Literal(k)),
                {
                  description:
                    'name (default), status (failed, running, active, disabled), customer, lastRun, nextRun; jobs that never ran or have no next run come last',
                },
              ),
            ),
            order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' })),
            page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
            pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          }),
        },
      },
      async (req) => s.jobs.list(actorOf(req), { ...req.query, pageSize: req.query.pageSize ?? 50 }),
    );
    app.post(
      '/jobs',
      { schema: { tags: ['jobs'], summary: 'Create a backup job', body: JobBody } },
      async (req, reply) => reply.status(201).send(await s.jobs.create(actorOf(req), req.body)),
    );
    app.get('/jobs/:job', { schema: { tags: ['jobs'], params: JobParams } }, async (req) =>
      s.jobs.get(actorOf(req), req.params.job),
    );
    app.patch(
      '/jobs/:job',
      {
        schema: {
          tags: ['jobs'],
          summary:
            'Edit a job. Monitored jobs: only name, description, enabled, notifications (and maxRunSeconds for heartbeat jobs)',
          params: JobParams,
          body: JobPatchBody,
        },
      },
      async (req) => s.jobs.update(actorOf(req), req.params.job, req.body),
    );
    app.delete(
      '/jobs/:job',
      { schema: { tags: ['jobs'], summary: 'Delete the job (stored backups are kept)', params: JobParams } },
      async (req) => s.jobs.delete(actorOf(req), req.params.job),
    );
    app.post(
      '/jobs/:job/run',
      {
        schema: {
          tags: ['jobs'],
          summary:
            'Run now (also for disabled jobs); 409 while a run is queued or running; 400 for monitored jobs (their product runs them)',
          params: JobParams,
        },
      },
      async (req, reply) => reply.status(201).send(await s.jobs.runNow(actorOf(req), req.params.job, 'manual')),
    );
    app.post(
      '/jobs/:job/duplicate',
      {
        schema: {
          tags: ['jobs'],
          params: JobParams,
          body: Type.Optional(Type.Object({ name: Type.Optional(Type.String()) }, { additionalProperties: false })),
        },
      },
      async (req, reply) =>
        reply.status(201).send(await s.jobs.duplicate(actorOf(req), req.params.job, req.body?.name)),
    );
    app.post('/jobs/:job/enable', { schema: { tags: ['jobs'], params: JobParams } }, async (req) =>
      s.jobs.setEnabled(actorOf(req), req.params.job, true),
    );
    app.post('/jobs/:job/disable', { schema: { tags: ['jobs'], params: JobParams } }, async (req) =>
      s.jobs.setEnabled(actorOf(req), req.params.job, false),
    );
    app.post('/jobs/:job/archive', { schema: { tags: ['jobs'], params: JobParams } }, async (req) =>
      s.jobs.setArchived(actorOf(req), req.params.job, true),
    );
    app.post('/jobs/:job/unarchive', { schema: { tags: ['jobs'], params: JobParams } }, async (req) =>
      s.jobs.setArchived(actorOf(req), req.params.job, false),
    );
    app.get(
      '/jobs/:job/events',
      { schema: { tags: ['jobs'], summary: 'Job log: skipped fires, missed catch-ups', params: JobParams } },
      async (req) => ({ items: await s.jobs.events(actorOf(req), req.params.job) }),
    );
    app.get(
      '/jobs/:job/runs',
      {
        schema: {
          tags: ['jobs'],
          params: JobParams,
          querystring: Type.Object({
            status: Type.Optional(Type.String()),
            page: Type.Optional(Type.Integer({ minimum: 1 })),
            pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          }),
        },
      },
      async (req) => {
        const job = await s.jobs.get(actorOf(req), req.params.job);
        return s.runs.list(actorOf(req), { ...req.query, jobId: job.id });
      },
    );
    app.post(
      '/jobs/:job/retention-preview',
      {
        schema: {
          tags: ['jobs'],
          summary: 'What a retention policy would delete now (dry run)',
          params: JobParams,
          body: Type.Optional(
            Type.Object(
              { destinationId: Type.Optional(Type.Integer()), retention: Type.Optional(Type.Unknown()) },
              { additionalProperties: false },
            ),
          ),
        },
      },
      async (req) => s.jobs.retentionPreview(actorOf(req), req.params.job, req.body ?? {}),
    );
  };
}
