import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ResourceService } from '../services/resource.service.js';
import { actorOf, intParam } from './http.js';
import type { ApiServices } from './services.js';

const RefParams = Type.Object({ id: Type.String({ description: 'id or name' }) });
const ResourceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Type.String({ description: 'adapter kind, e.g. postgres, mysql, sqlite, local, smtp, webhook' }),
    customerId: Type.Optional(Type.Integer()),
    customer: Type.Optional(Type.String()),
    config: Type.Record(Type.String(), Type.Unknown(), {
      description: 'adapter settings; secret fields are write-only',
    }),
  },
  { additionalProperties: false },
);
const ResourcePatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

/** Sources, destinations and notification channels: one CRUD shape each. */
function crud(app: Parameters<FastifyPluginAsyncTypebox>[0], path: string, tag: string, svc: ResourceService) {
  app.get(
    `/${path}`,
    {
      schema: {
        tags: [tag],
        summary: `List ${tag}`,
        querystring: Type.Object({ customerId: Type.Optional(Type.Integer()) }),
      },
    },
    async (req) => {
      const items = await svc.list(actorOf(req), req.query.customerId);
      return { items, total: items.length, page: 1, pageSize: items.length };
    },
  );
  app.post(
    `/${path}`,
    { schema: { tags: [tag], summary: `Create a ${tag.replace(/s$/, '')}`, body: ResourceBody } },
    async (req, reply) => reply.status(201).send(await svc.create(actorOf(req), req.body)),
  );
  app.get(`/${path}/:id`, { schema: { tags: [tag], params: RefParams } }, async (req) =>
    svc.get(actorOf(req), req.params.id),
  );
  app.patch(`/${path}/:id`, { schema: { tags: [tag], params: RefParams, body: ResourcePatch } }, async (req) =>
    svc.update(actorOf(req), req.params.id, req.body),
  );
  app.delete(`/${path}/:id`, { schema: { tags: [tag], params: RefParams } }, async (req) => {
    await svc.delete(actorOf(req), req.params.id);
    return { ok: true };
  });
}

export function resourceRoutes(s: ApiServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/customers', { schema: { tags: ['customers'] } }, async (req) => {
      const items = await s.customers.list(actorOf(req));
      return { items, total: items.length, page: 1, pageSize: items.length };
    });
    app.post(
      '/customers',
      {
        schema: {
          tags: ['customers'],
          body: Type.Object(
            { name: Type.String({ minLength: 1, maxLength: 200 }), timezone: Type.Optional(Type.String()) },
            { additionalProperties: false },
          ),
        },
      },
      async (req, reply) => reply.status(201).send(await s.customers.create(actorOf(req), req.body)),
    );
    app.patch(
      '/customers/:id',
      {
        schema: {
          tags: ['customers'],
          params: Type.Object({ id: Type.String() }),
          body: Type.Object(
            {
              name: Type.Optional(Type.String()),
              active: Type.Optional(Type.Boolean()),
              timezone: Type.Optional(Type.Union([Type.Null(), Type.String()])),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => s.customers.update(actorOf(req), intParam(req.params.id), req.body),
    );

    crud(app, 'sources', 'sources', s.sources);
    app.post(
      '/sources/:id/test',
      { schema: { tags: ['sources'], summary: 'Test the connection', params: RefParams } },
      async (req) => s.testSource(actorOf(req), req.params.id),
    );
    crud(app, 'destinations', 'destinations', s.destinations);
    crud(app, 'notification-channels', 'notification channels', s.channels);
    app.post(
      '/notification-channels/:id/test',
      { schema: { tags: ['notification channels'], summary: 'Send a test notification', params: RefParams } },
      async (req) => s.testChannel(actorOf(req), req.params.id),
    );

    app.get('/encryption-profiles', { schema: { tags: ['encryption profiles'] } }, async (req) => {
      const items = await s.profiles.list(actorOf(req));
      return { items, total: items.length, page: 1, pageSize: items.length };
    });
    app.post(
      '/encryption-profiles',
      {
        schema: {
          tags: ['encryption profiles'],
          summary: 'Create a profile (new random key) or import one (recovery kit, hex or base64)',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200 }),
              customerId: Type.Optional(Type.Integer()),
              customer: Type.Optional(Type.String()),
              key: Type.Optional(Type.String({ description: 'write-only' })),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req, reply) => reply.status(201).send(await s.profiles.create(actorOf(req), req.body)),
    );
    app.get('/encryption-profiles/:id', { schema: { tags: ['encryption profiles'], params: RefParams } }, async (req) =>
      s.profiles.get(actorOf(req), req.params.id),
    );
    app.post(
      '/encryption-profiles/:id/export',
      { schema: { tags: ['encryption profiles'], summary: 'Recovery kit (admins; audited)', params: RefParams } },
      async (req) => s.profiles.exportKit(actorOf(req), req.params.id),
    );
    app.delete(
      '/encryption-profiles/:id',
      { schema: { tags: ['encryption profiles'], params: RefParams } },
      async (req) => {
        await s.profiles.delete(actorOf(req), req.params.id);
        return { ok: true };
      },
    );
  };
}
