import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, intParam } from './http.js';
import type { ApiServices } from './services.js';

const TERMINAL = new Set(['success', 'warning', 'failed', 'timed_out', 'cancelled', 'missed']);
const IdParams = Type.Object({ id: Type.String() });

export function runRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/runs',
      {
        schema: {
          tags: ['runs'],
          summary: 'Run history, newest first unless sorted',
          querystring: Type.Object({
            jobId: Type.Optional(Type.Integer()),
            status: Type.Optional(Type.String()),
            operation: Type.Optional(Type.String()),
            from: Type.Optional(Type.String({ description: 'ISO date/time (queued at or after)' })),
            to: Type.Optional(Type.String({ description: 'ISO date/time (queued before)' })),
            page: Type.Optional(Type.Integer({ minimum: 1 })),
            pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
            sort: Type.Optional(
              Type.Union(
                ['queuedAt', 'startedAt', 'finishedAt', 'status', 'job', 'duration'].map((k) => Type.Literal(k)),
                { description: 'Column to sort by (default: newest first); empty values sort last' },
              ),
            ),
            order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
          }),
        },
      },
      async (req) => s.runs.list(actorOf(req), req.query),
    );
    app.get('/runs/:id', { schema: { tags: ['runs'], params: IdParams } }, async (req) =>
      s.runs.get(actorOf(req), intParam(req.params.id)),
    );
    app.post('/runs/:id/cancel', { schema: { tags: ['runs'], params: IdParams } }, async (req) =>
      s.runs.cancel(actorOf(req), intParam(req.params.id)),
    );
    app.get(
      '/runs/:id/logs',
      {
        schema: {
          tags: ['runs'],
          params: IdParams,
          querystring: Type.Object({
            after: Type.Optional(Type.Integer({ minimum: 0 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
          }),
        },
      },
      async (req) => s.runs.logs(actorOf(req), intParam(req.params.id), req.query.after ?? 0, req.query.limit ?? 1000),
    );

    /**
     * Live run view as Server-Sent Events. The database is read on every wake-up (bus event
     * or a 1 s tick), so a run executing in another process streams just the same.
     */
    app.get(
      '/runs/:id/events',
      {
        schema: {
          tags: ['runs'],
          summary: 'Server-Sent Events: snapshot, progress, log, status, end',
          params: IdParams,
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        const id = intParam(req.params.id);
        let run = await s.runs.get(actor, id);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        send('snapshot', run);
        let lastLog = 0;
        let closed = false;
        let busy = false;
        let pending = false;
        const poll = async () => {
          if (closed) return;
          if (busy) {
            pending = true;
            return;
          }
          busy = true;
          try {
            for (;;) {
              const logs = await s.runs.logs(actor, id, lastLog, 1000);
              for (const l of logs.items) send('log', l);
              lastLog = logs.next;
              if (logs.items.length < 1000) break;
            }
            const next = await s.runs.get(actor, id);
            if (next.status !== run.status) send('status', next);
            else
              send('progress', {
                step: next.step,
                bytesRead: next.bytesRead,
                bytesWritten: next.bytesWritten,
                rate: next.rate,
                elapsedMs: next.durationMs,
              });
            run = next;
            if (TERMINAL.has(run.status)) {
              // Delivery lines (notifications) may land right after the end; one last read.
              send('end', run);
              finish();
            }
          } catch (err) {
            send('error', { message: (err as Error).message });
            finish();
          } finally {
            busy = false;
            if (pending && !closed) {
              pending = false;
              void poll();
            }
          }
        };
        const onEvent = (e: { runId: number }) => {
          if (e.runId === id) void poll();
        };
        const tick = setInterval(() => void poll(), 1000);
        const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15000);
        s.events.on('status', onEvent);
        s.events.on('progress', onEvent);
        const finish = () => {
          if (closed) return;
          closed = true;
          clearInterval(tick);
          clearInterval(heartbeat);
          s.events.off('status', onEvent);
          s.events.off('progress', onEvent);
          res.end();
        };
        req.raw.on('close', finish);
        await poll();
      },
    );
  };
}
