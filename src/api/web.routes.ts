import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { pageRoutes } from './pages.routes.js';

/** web/dist, from src/api (tsx) or dist/api (compiled) alike. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * Serves the built web UI (one origin with the API, so the session cookie can stay
 * SameSite=Strict) with a single-page-app fallback: any GET outside /api that names no file gets
 * index.html and the client router takes over. Without a build, the minimal server pages remain.
 */
export async function registerWeb(app: FastifyInstance): Promise<void> {
  if (!existsSync(`${WEB_DIST}/index.html`)) {
    await app.register(pageRoutes);
    return;
  }
  await app.register(fastifyStatic, {
    root: WEB_DIST,
    wildcard: false,
    index: false,
    // Hashed assets never change; index.html always revalidates.
    setHeaders: (res, file) =>
      res.setHeader('cache-control', file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  const spa = async (_req: unknown, reply: { type(t: string): { sendFile(f: string): unknown } }) =>
    reply.type('text/html').sendFile('index.html');
  app.get('/', { schema: { hide: true } }, spa as never);
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (path.startsWith('/api/') || path.startsWith('/assets/')) {
      return reply.status(404).send({ error: { code: 'not_found', message: `no route GET ${path}` } });
    }
    return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
  });
}
