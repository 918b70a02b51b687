import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from './http.js';
import type { ApiServices } from './services.js';

const Entry = Type.Object(
  {
    customer: Type.String({ description: 'customer name' }),
    name: Type.String({ description: 'job name' }),
    feed: Type.Union([Type.Literal('email'), Type.Literal('heartbeat')]),
    software: Type.Union([Type.Null(), Type.String()]),
    type: Type.Union([Type.Null(), Type.String()], { description: 'backup type; null = any' }),
    sender: Type.Union([Type.Null(), Type.String()], { description: 'sender address of the reports' }),
    jobName: Type.Union([Type.Null(), Type.String()], { description: 'job name inside the reports' }),
    subjectPattern: Type.Union([Type.Null(), Type.String()]),
    archived: Type.Boolean(),
  },
  { additionalProperties: false },
);

export function monitoredJobRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/monitored-jobs/export',
      {
        schema: {
          tags: ['jobs'],
          summary: 'Monitored jobs as a portable document (keepwatch-monitored-jobs/1)',
          querystring: Type.Object({ customerId: Type.Optional(Type.Integer({ minimum: 1 })) }),
        },
      },
      async (req) => s.monitoredJobs.export(actorOf(req), req.query.customerId),
    );
    app.post(
      '/monitored-jobs/import',
      {
        schema: {
          tags: ['jobs'],
          summary: 'Create monitored jobs from an export document (all or nothing)',
          description:
            'Jobs that already exist with the same name and matching criteria count as unchanged; with any error nothing is created.',
          body: Type.Object(
            { format: Type.Literal('keepwatch-monitored-jobs/1'), jobs: Type.Array(Entry, { maxItems: 10000 }) },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => s.monitoredJobs.import(actorOf(req), req.body),
    );
  };
}
