import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES } from '../core/domain.js';
import { publicUser, SESSION_COOKIE } from '../services/auth.service.js';
import { actorOf, intParam } from './http.js';
import type { ApiServices } from './services.js';

export function authRoutes(s: ApiServices, opts: { secureCookies: boolean }): FastifyPluginAsyncTypebox {
  return async (app) => {
    const cookieOpts = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: opts.secureCookies };
    app.post(
      '/auth/login',
      {
        config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['auth'],
          summary: 'Sign in; optionally create an API token for the CLI',
          body: Type.Object(
            {
              username: Type.String({ minLength: 1, maxLength: 200 }),
              password: Type.String({ minLength: 1, maxLength: 1000 }),
              createToken: Type.Optional(
                Type.Object(
                  {
                    name: Type.String({ minLength: 1, maxLength: 100 }),
                    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
                  },
                  { additionalProperties: false },
                ),
              ),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req, reply) => {
        const { user, sessionToken, expiresAt } = await s.auth.login(req.body.username, req.body.password);
        reply.setCookie(SESSION_COOKIE, sessionToken, { ...cookieOpts, expires: new Date(expiresAt) });
        let token: unknown;
        if (req.body.createToken) {
          const actor = (await s.auth.authenticate({ session: sessionToken }))!;
          token = await s.auth.createToken(actor, req.body.createToken);
        }
        return { user: publicUser(user), ...(token ? { token } : {}) };
      },
    );
    app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'End the session' } }, async (req, reply) => {
      const t = req.cookies[SESSION_COOKIE];
      if (t) await s.auth.logout(t);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    });
    app.get('/auth/me', { schema: { tags: ['auth'], summary: 'Who am I' } }, async (req) => ({
      user: await s.auth.me(actorOf(req)),
    }));
    app.post(
      '/auth/setup',
      {
        config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['auth'],
          summary: 'Set the first admin password from the one-time setup link',
          body: Type.Object(
            { token: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }) },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => ({ user: publicUser(await s.auth.completeSetup(req.body.token, req.body.password)) }),
    );
    app.get(
      '/auth/tokens',
      { schema: { tags: ['auth'], summary: 'My API tokens (never the token values)' } },
      async (req) => ({ items: await s.auth.listTokens(actorOf(req)) }),
    );
    app.post(
      '/auth/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create an API token (its value is shown once)',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
              role: Type.Optional(Type.Union(ROLES.map((r) => Type.Literal(r)))),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req, reply) => reply.status(201).send(await s.auth.createToken(actorOf(req), req.body)),
    );
    app.delete(
      '/auth/tokens/:id',
      { schema: { tags: ['auth'], params: Type.Object({ id: Type.String() }) } },
      async (req) => {
        await s.auth.deleteToken(actorOf(req), intParam(req.params.id));
        return { ok: true };
      },
    );
    app.get('/users', { schema: { tags: ['users'], summary: 'Users (admins)' } }, async (req) => ({
      items: await s.auth.listUsers(actorOf(req)),
    }));
    app.post(
      '/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Create a user with a role for all or listed customers',
          body: Type.Object(
            {
              username: Type.String(),
              password: Type.String(),
              role: Type.Union(ROLES.map((r) => Type.Literal(r))),
              allCustomers: Type.Optional(Type.Boolean()),
              customerIds: Type.Optional(Type.Array(Type.Integer())),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req, reply) => reply.status(201).send(await s.auth.createUser(actorOf(req), req.body)),
    );
  };
}
