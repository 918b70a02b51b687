import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, intParam } from './http.js';
import type { ApiServices } from './services.js';

const Params = Type.Object({ id: Type.String() });
const Kind = Type.Union([Type.Literal('imap'), Type.Literal('graph'), Type.Literal('smtp')]);
const Interval = Type.Union([Type.Literal(5), Type.Literal(15), Type.Literal(30), Type.Literal(60)], {
  description: 'minutes between polls (IMAP, Graph); default 15',
});
const Config = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'imap: {host, port, tls, username, folder, processedFolder, password}; graph: {tenantId, clientId, mailbox, folder, processedFolder, authorityUrl?, graphUrl?, clientSecret}; smtp: {port, host, username?, maxSizeBytes, password?}. password/clientSecret are write-only: left out keeps the stored one, null clears it.',
});

/** Mail importers (IMAP, Microsoft Graph, the SMTP receiver): admins configure, "Import now", test. */
export function mailImporterRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['mail importers'];
    app.get('/mail-importers', { schema: { tags, summary: 'List mail importers' } }, async (req) => ({
      items: await s.mailImporters.list(actorOf(req)),
    }));
    app.post(
      '/mail-importers',
      {
        schema: {
          tags,
          summary: 'Create a mail importer (admins)',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200 }),
              kind: Kind,
              enabled: Type.Optional(Type.Boolean()),
              intervalMinutes: Type.Optional(Interval),
              config: Config,
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req, reply) => reply.status(201).send(await s.mailImporters.create(actorOf(req), req.body)),
    );
    app.get('/mail-importers/:id', { schema: { tags, params: Params } }, async (req) =>
      s.mailImporters.get(actorOf(req), intParam(req.params.id)),
    );
    app.patch(
      '/mail-importers/:id',
      {
        schema: {
          tags,
          summary: 'Change a mail importer (admins)',
          params: Params,
          body: Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              kind: Type.Optional(Kind),
              enabled: Type.Optional(Type.Boolean()),
              intervalMinutes: Type.Optional(Interval),
              config: Type.Optional(Config),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => s.mailImporters.update(actorOf(req), intParam(req.params.id), req.body),
    );
    app.delete('/mail-importers/:id', { schema: { tags, params: Params } }, async (req, reply) => {
      await s.mailImporters.delete(actorOf(req), intParam(req.params.id));
      return reply.status(204).send();
    });
    app.post(
      '/mail-importers/:id/import',
      {
        schema: {
          tags,
          summary: 'Import now: a run of the mail_import system job for this importer',
          params: Params,
          body: Type.Optional(
            Type.Object(
              { batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'default 100' })) },
              { additionalProperties: false },
            ),
          ),
        },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(
            await s.mailImporters.importNow(actorOf(req), intParam(req.params.id), { batchSize: req.body?.batchSize }),
          ),
    );
    app.post(
      '/mail-importers/:id/test',
      { schema: { tags, summary: 'Test the connection (or whether the SMTP receiver listens)', params: Params } },
      async (req) => s.mailImporters.test(actorOf(req), intParam(req.params.id)),
    );
  };
}
