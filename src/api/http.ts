import type { FastifyReply, FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../core/errors.js';
import type { Actor } from '../services/access.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** The caller of an authenticated route (the auth hook guarantees it is set). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new UnauthorizedError();
  return req.actor;
}

export function sendList<T>(reply: FastifyReply, body: { items: T[]; total: number; page: number; pageSize: number }) {
  return reply.send(body);
}

/** Route params are strings; ids must be positive integers. */
export function intParam(value: string, name = 'id'): number {
  // Digits only: Number() would also take '1e3', ' 12', '0x10' or '' (0).
  const n = /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) {
    const err = new Error(`${name} must be a positive integer (got '${value}')`) as Error & {
      statusCode: number;
      code: string;
    };
    err.statusCode = 400;
    err.code = 'validation_failed';
    throw err;
  }
  return n;
}
