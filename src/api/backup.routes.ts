import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, intParam } from './http.js';
import type { ApiServices } from './services.js';

const IdParams = Type.Object({ id: Type.String() });

export function backupRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/backups',
      {
        schema: {
          tags: ['backups'],
          summary: 'Stored backups, newest first',
          querystring: Type.Object({
            job: Type.Optional(Type.String()),
            jobId: Type.Optional(Type.Integer()),
            destinationId: Type.Optional(Type.Integer()),
          }),
        },
      },
      async (req) =>
        s.backups.list(actorOf(req), { job: req.query.jobId ?? req.query.job, destinationId: req.query.destinationId }),
    );
    app.get('/backups/:id', { schema: { tags: ['backups'], params: IdParams } }, async (req) =>
      s.backups.get(actorOf(req), intParam(req.params.id)),
    );
    app.delete(
      '/backups/:id',
      { schema: { tags: ['backups'], summary: 'Delete a stored backup (not pinned ones)', params: IdParams } },
      async (req) => s.backups.delete(actorOf(req), intParam(req.params.id)),
    );
    app.post('/backups/:id/pin', { schema: { tags: ['backups'], params: IdParams } }, async (req) =>
      s.backups.setPinned(actorOf(req), intParam(req.params.id), true),
    );
    app.post('/backups/:id/unpin', { schema: { tags: ['backups'], params: IdParams } }, async (req) =>
      s.backups.setPinned(actorOf(req), intParam(req.params.id), false),
    );
    app.post(
      '/backups/:id/verify',
      { schema: { tags: ['backups'], summary: 'Queue a verification run', params: IdParams } },
      async (req, reply) => reply.status(201).send(await s.backups.verify(actorOf(req), intParam(req.params.id))),
    );
    app.post(
      '/backups/:id/restore',
      {
        schema: {
          tags: ['backups'],
          summary: 'Queue a restore run into a source (optionally under another database name)',
          params: IdParams,
          body: Type.Object(
            {
              sourceId: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
              source: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
              database: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req, reply) =>
        reply.status(201).send(await s.backups.restore(actorOf(req), intParam(req.params.id), req.body)),
    );
    app.get(
      '/backups/:id/download',
      {
        schema: {
          tags: ['backups'],
          summary: 'Download: the original dump (default) or the stored bytes (raw=1 or raw=true)',
          params: IdParams,
          querystring: Type.Object({
            raw: Type.Optional(
              Type.Union([Type.Literal('1'), Type.Literal('0'), Type.Literal('true'), Type.Literal('false')]),
            ),
          }),
        },
      },
      async (req, reply) => {
        const raw = req.query.raw === '1' || req.query.raw === 'true';
        const d = await s.backups.download(actorOf(req), intParam(req.params.id), raw);
        reply.header('content-type', 'application/octet-stream');
        reply.header('content-disposition', `attachment; filename="${d.filename.replace(/["\\]/g, '_')}"`);
        if (raw && d.size !== null) reply.header('content-length', d.size);
        return reply.send(d.stream);
      },
    );
  };
}
