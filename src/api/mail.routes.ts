import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, intParam } from './http.js';
import type { ApiServices } from './services.js';

const IdParams = Type.Object({ id: Type.String({ description: 'message id' }) });

export const MAX_FILES_PER_REQUEST = 50;
/**
 * A JSON body is read into one string, and V8 strings end near 512 MiB: 50 files of 25 MiB in
 * base64 (~1.7 GB) cannot arrive in one request, so the CLI splits uploads into batches below this.
 */
export const MAX_IMPORT_BODY_BYTES = 480 * 1024 * 1024;

export const FilesBody = Type.Object(
  {
    files: Type.Array(
      Type.Object(
        {
          name: Type.String({ maxLength: 1000, description: 'file name, echoed in the answer' }),
          content: Type.String({ description: 'the .eml file (RFC 822 message) in base64' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_FILES_PER_REQUEST, description: `1–${MAX_FILES_PER_REQUEST} files` },
    ),
  },
  { additionalProperties: false },
);

export function mailRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Base64 inflates by 4/3; a little room for the JSON around each file.
    const bodyLimit = Math.min(
      MAX_IMPORT_BODY_BYTES,
      MAX_FILES_PER_REQUEST * (Math.ceil(s.mail.maxBytes / 3) * 4 + 4096),
    );
    app.post(
      '/mail/import',
      {
        bodyLimit,
        schema: {
          tags: ['mail'],
          summary: 'Import report e-mails (.eml files)',
          description:
            'Each file is stored once (Message-ID + SHA-256), parsed and linked to the monitored job it matches (`linked`), or left in the Inbox (`inbox`, also for malformed messages, with the reason). `duplicate`: already stored. `rejected`: not stored (empty, not base64, over the size limit). Admin/operator with access to all customers.',
          body: FilesBody,
        },
      },
      async (req) => s.mail.importFiles(actorOf(req), req.body.files),
    );
    app.post(
      '/mail/parse',
      {
        bodyLimit,
        schema: {
          tags: ['mail'],
          summary: 'Parse report e-mails without storing them',
          description:
            'Answers per file what `keepwatch mail parse --json` prints: {file, parser, software, type, jobName, status, objects, startedAt, endedAt, error?}.',
          body: FilesBody,
        },
      },
      async (req) => s.mail.parseFiles(actorOf(req), req.body.files),
    );
    app.get(
      '/mail/:id',
      {
        schema: {
          tags: ['mail'],
          summary: 'One stored message with its parse result and sanitised body',
          description:
            'bodyHtml is sanitised on the server: no scripts, event handlers, stylesheets, remote images or links. Inbox messages need access to all customers; linked ones follow their job.',
          params: IdParams,
        },
      },
      async (req) => s.inbox.get(actorOf(req), intParam(req.params.id)),
    );
    app.get(
      '/mail/:id/eml',
      { schema: { tags: ['mail'], summary: 'Download the raw message (message/rfc822)', params: IdParams } },
      async (req, reply) => {
        const m = await s.inbox.eml(actorOf(req), intParam(req.params.id));
        return reply
          .header('content-type', 'message/rfc822')
          .header('content-disposition', `attachment; filename="${m.filename}"`)
          .send(m.raw);
      },
    );
  };
}
