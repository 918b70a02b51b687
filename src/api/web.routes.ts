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
  // wildcard: files are looked up per request, so a rebuilt UI is served without a restart.
  await app.register(fastifyStatic, {
    root: WEB_DIST,
    wildcard: true,
    index: false,
    // Hashed assets never change; index.html always revalidates.
    setHeaders: (res, file) =>
      res.setHeader('cache-control', file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  app.get('/', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html'),
  );
}

/**
 * Single-page-app fallback for the not-found handler: a browser GET outside /api that names no
 * file gets index.html and the client router takes over.
 */
export function wantsSpa(method: string, url: string, accept: string | undefined): boolean {
  const path = url.split('?')[0]!;
  return (
    method === 'GET' &&
    existsSync(`${WEB_DIST}/index.html`) &&
    !path.startsWith('/api/') &&
    !path.startsWith('/assets/') &&
    (accept ?? '').includes('text/html')
  );
}
