import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** A parsed JSON answer: tests read into it freely and let the assertions judge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Operations surface: health and readiness probes, Prometheus metrics after a real run, the
 * OpenAPI document and its docs page, and the audit log of changes.
 */

const METRICS_TOKEN = 'metrics-token-0123456789';
const SOURCE_PASSWORD = 'Audit-S3cret-Pw!';
const HEADER_SECRET = 'Audit-Hdr-S3cret';

/** Prometheus text format → sample name with labels → value. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

type OpenApi = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Json>>;
  components?: Record<string, Record<string, unknown>>;
};

/** The structural rules of OpenAPI 3 that a generator can get wrong; returns the violations. */
function openApiProblems(doc: OpenApi): string[] {
  const problems: string[] = [];
  if (!/^3\.\d+\.\d+$/.test(doc.openapi)) problems.push(`openapi version '${doc.openapi}'`);
  if (typeof doc.info?.title !== 'string' || typeof doc.info?.version !== 'string') problems.push('info');
  const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  const operationIds = new Set<string>();
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    if (!p.startsWith('/')) problems.push(`path ${p} does not start with /`);
    const templated = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters' || method === 'summary' || method === 'description') continue;
      const where = `${method.toUpperCase()} ${p}`;
      if (!methods.includes(method)) {
        problems.push(`${where}: not an HTTP method`);
        continue;
      }
      const responses = op.responses as Record<string, unknown> | undefined;
      if (!responses || Object.keys(responses).length === 0) problems.push(`${where}: no responses`);
      for (const code of Object.keys(responses ?? {}))
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) problems.push(`${where}: response code ${code}`);
      const params = (op.parameters ?? []) as { name: string; in: string; required?: boolean }[];
      for (const name of templated) {
        const param = params.find((x) => x.in === 'path' && x.name === name);
        if (!param) problems.push(`${where}: path parameter {${name}} not declared`);
        else if (param.required !== true) problems.push(`${where}: path parameter {${name}} not required`);
      }
      for (const param of params) {
        if (!['query', 'header', 'path', 'cookie'].includes(param.in))
          problems.push(`${where}: parameter in ${param.in}`);
        if (param.in === 'path' && !templated.includes(param.name))
          problems.push(`${where}: path parameter ${param.name} not in the path`);
      }
      if (op.operationId) {
        if (operationIds.has(op.operationId)) problems.push(`${where}: duplicate operationId ${op.operationId}`);
        operationIds.add(op.operationId);
      }
    }
  }
  // Every $ref points into the document.
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') {
        const target = x
          .replace(/^#\//, '')
          .split('/')
          .reduce<unknown>((o, seg) => (o as Record<string, unknown> | undefined)?.[seg], doc);
        if (target === undefined) problems.push(`unresolved $ref ${x}`);
      } else walk(x);
    }
  };
  walk(doc);
  return problems;
}

describe('API operations (sqlite)', () => {
  let t: TestApp;
  let run: Json;
  const metrics = async (token: string | null = METRICS_TOKEN) => {
    const res = await t.app.http.inject({
      method: 'GET',
      url: '/metrics',
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.statusCode, type: String(res.headers['content-type']), text: res.body };
  };

  beforeAll(async () => {
    t = await startTestApp('sqlite', { KEEPWATCH_SCHEDULER: 'false', KEEPWATCH_METRICS_TOKEN: METRICS_TOKEN });
  });
  afterAll(async () => t?.close());

  it('answers /healthz and /readyz without credentials', async () => {
    const health = await t.call('GET', '/healthz', undefined, null);
    expect(health).toEqual({ status: 200, body: { ok: true } });
    const ready = await t.call('GET', '/readyz', undefined, null);
    expect(ready.status).toBe(200);
    expect(ready.body.ok).toBe(true);
    expect(ready.body.checks.database).toMatch(/^ok \(sqlite:/);
    // The database path is fine to show; credentials never are (nothing here has any).
    expect(JSON.stringify(ready.body)).not.toContain('test-master-key');
  });

  it('exposes Prometheus metrics for runs, queue, durations and bytes after a run', async () => {
    expect((await metrics(null)).status).toBe(401);
    expect((await metrics('wrong-token')).status).toBe(401);
    const empty = await metrics();
    expect(empty.status).toBe(200);
    expect(empty.type).toMatch(/^text\/plain/);
    const m0 = parseMetrics(empty.text);
    expect(m0.get('keepwatch_queue_depth')).toBe(0);
    expect(m0.get('keepwatch_runs{status="success"}')).toBeUndefined();

    const db = path.join(t.dataDir, 'ops.db');
    execFileSync('sqlite3', [db, "create table t(a int, b text); insert into t values (1, 'operations');"]);
    expect(
      (await t.call('POST', '/api/sources', { name: 'ops-src', kind: 'sqlite', config: { path: db } })).status,
    ).toBe(201);
    expect(
      (
        await t.call('POST', '/api/destinations', {
          name: 'ops-dest',
          kind: 'local',
          config: { path: path.join(t.dataDir, 'ops-backups') },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await t.call('POST', '/api/jobs', {
          name: 'ops-job',
          source: 'ops-src',
          destinations: [{ destination: 'ops-dest' }],
          compression: { algorithm: 'gzip', level: 6 },
        })
      ).status,
    ).toBe(201);
    const queued = await t.call('POST', '/api/jobs/ops-job/run');
    expect(queued.status).toBe(201);
    run = await t.waitForRun(queued.body.id);
    expect(run.status).toBe('success');
    expect(run.bytesWritten).toBeGreaterThan(0);

    const after = await metrics();
    const m = parseMetrics(after.text);
    expect(m.get('keepwatch_runs{status="success"}')).toBe(1);
    expect(m.get('keepwatch_queue_depth')).toBe(0);
    expect(m.get('keepwatch_run_duration_seconds_count{operation="backup",status="success"}')).toBe(1);
    expect(m.get('keepwatch_run_duration_seconds_sum{operation="backup",status="success"}')).toBeGreaterThanOrEqual(0);
    expect(m.get('keepwatch_bytes_written_total{operation="backup"}')).toBe(run.bytesWritten);
    // HELP and TYPE lines make it a valid exposition for Prometheus.
    for (const name of [
      'keepwatch_runs',
      'keepwatch_queue_depth',
      'keepwatch_run_duration_seconds',
      'keepwatch_bytes_written_total',
    ]) {
      expect(after.text).toMatch(new RegExp(`^# HELP ${name} `, 'm'));
      expect(after.text).toMatch(new RegExp(`^# TYPE ${name} (gauge|counter|histogram)$`, 'm'));
    }

    // A run waiting behind the scheduler's queue shows up in the queue depth.
    await t.app.dispatcher.stop();
    try {
      const waiting = await t.call('POST', '/api/jobs/ops-job/run');
      expect(waiting.status).toBe(201);
      expect(parseMetrics((await metrics()).text).get('keepwatch_queue_depth')).toBe(1);
      expect(parseMetrics((await metrics()).text).get('keepwatch_runs{status="queued"}')).toBe(1);
      expect((await t.call('POST', `/api/runs/${waiting.body.id}/cancel`)).status).toBe(200);
      expect(parseMetrics((await metrics()).text).get('keepwatch_queue_depth')).toBe(0);
    } finally {
      t.app.dispatcher.start();
    }
  });

  it('serves a valid OpenAPI 3 document with the job, run and backup paths', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = JSON.parse(res.body) as OpenApi;
    expect(openApiProblems(doc)).toEqual([]);
    expect(doc.info.title).toBe('Keepwatch API');
    const ops = (p: string) => Object.keys(doc.paths[p] ?? {}).sort();
    expect(ops('/api/jobs')).toEqual(['get', 'post']);
    expect(ops('/api/jobs/{job}')).toEqual(['delete', 'get', 'patch']);
    expect(ops('/api/jobs/{job}/run')).toEqual(['post']);
    expect(ops('/api/jobs/{job}/runs')).toEqual(['get']);
    expect(ops('/api/runs')).toEqual(['get']);
    expect(ops('/api/runs/{id}')).toEqual(['get']);
    expect(ops('/api/runs/{id}/cancel')).toEqual(['post']);
    expect(ops('/api/runs/{id}/events')).toEqual(['get']);
    expect(ops('/api/backups')).toEqual(['get']);
    expect(ops('/api/backups/{id}')).toEqual(['delete', 'get']);
    expect(ops('/api/backups/{id}/restore')).toEqual(['post']);
    expect(ops('/api/backups/{id}/verify')).toEqual(['post']);
    // The job body is described field by field, so clients can be generated from it.
    const body = doc.paths['/api/jobs']!.post.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining(['name', 'schedule', 'source', 'destinations', 'compression', 'encryptionProfile']),
    );
    expect(body.additionalProperties).toBe(false);
    // Authentication is declared.
    expect(Object.keys(doc.components?.securitySchemes ?? {})).toEqual(expect.arrayContaining(['bearer', 'session']));
    // Internal routes are not in the document.
    expect(doc.paths['/api/openapi.json']).toBeUndefined();
    expect(doc.paths['/setup']).toBeUndefined();
  });

  it('serves the browsable API docs as HTML', async () => {
    let res = await t.app.http.inject({ method: 'GET', url: '/api/docs' });
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 3; hops++) {
      const location = new URL(String(res.headers.location), 'http://localhost/api/docs').pathname;
      res = await t.app.http.inject({ method: 'GET', url: location });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
    expect(res.body.toLowerCase()).toContain('swagger');
    const init = await t.app.http.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' });
    expect(init.statusCode).toBe(200);
    // The page loads the same document the API serves.
    const json = await t.app.http.inject({ method: 'GET', url: '/api/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(Object.keys(JSON.parse(json.body).paths)).toEqual(
      Object.keys(JSON.parse((await t.app.http.inject({ method: 'GET', url: '/api/openapi.json' })).body).paths),
    );
  });

  it('audits changes with who, what, when and before/after, with secrets redacted', async () => {
    const start = Date.now() - 1000;
    const job = await t.call('POST', '/api/jobs', {
      name: 'audited-job',
      description: 'first',
      source: 'ops-src',
      destinations: [{ destination: 'ops-dest', retention: { type: 'keep_last', count: 3 } }],
    });
    expect(job.status).toBe(201);
    const patched = await t.call('PATCH', '/api/jobs/audited-job', { description: 'second' });
    expect(patched.status).toBe(200);
    const src = await t.call('POST', '/api/sources', {
      name: 'audited-pg',
      kind: 'postgres',
      config: { host: '127.0.0.1', user: 'app', database: 'app', password: SOURCE_PASSWORD },
    });
    expect(src.status).toBe(201);
    expect(
      (
        await t.call('PATCH', `/api/sources/${src.body.id}`, {
          config: { host: '127.0.0.1', user: 'app', database: 'app', password: `${SOURCE_PASSWORD}-2` },
        })
      ).status,
    ).toBe(200);
    const hook = await t.call('POST', '/api/notification-channels', {
      name: 'audited-hook',
      kind: 'webhook',
      config: { url: 'https://hooks.example/kw', headers: { Authorization: `Bearer ${HEADER_SECRET}` } },
    });
    expect(hook.status).toBe(201);
    expect((await t.call('DELETE', '/api/jobs/audited-job')).status).toBeLessThan(300);

    const audit = await t.call('GET', '/api/audit');
    expect(audit.status).toBe(200);
    const entries = audit.body.items as Json[];
    const find = (entity: string, action: string, id: number) =>
      entries.filter((e) => e.entity === entity && e.action === action && String(e.entityId) === String(id));

    const [created] = find('job', 'create', job.body.id);
    expect(created).toBeDefined();
    expect(created.actor).toBe('admin');
    expect(created.customerId).toBe(job.body.customer.id);
    expect(Date.parse(created.at)).toBeGreaterThanOrEqual(start);
    expect(Date.parse(created.at)).toBeLessThanOrEqual(Date.now());
    expect(created.before).toBeNull();
    expect(created.after).toMatchObject({ name: 'audited-job', description: 'first' });

    const [updated] = find('job', 'update', job.body.id);
    expect(updated.before).toMatchObject({ name: 'audited-job', description: 'first' });
    expect(updated.after).toMatchObject({ name: 'audited-job', description: 'second' });
    expect(find('job', 'delete', job.body.id)).toHaveLength(1);

    const [srcCreated] = find('source', 'create', src.body.id);
    expect(srcCreated.after).toMatchObject({ name: 'audited-pg', kind: 'postgres', config: { host: '127.0.0.1' } });
    const [srcUpdated] = find('source', 'update', src.body.id);
    expect(srcUpdated.after.changedCredentials).toEqual(['password']);
    expect(find('notification_channel', 'create', hook.body.id)).toHaveLength(1);

    // Newest first.
    const ids = entries.map((e) => e.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const text = JSON.stringify(audit.body);
    for (const secret of [SOURCE_PASSWORD, HEADER_SECRET]) expect(text).not.toContain(secret);
    // Nothing that looks like a secret field carries a value.
    const secretish = (v: unknown): string[] =>
      !v || typeof v !== 'object'
        ? []
        : Object.entries(v).flatMap(([k, x]) =>
            /password|secret|token$/i.test(k) && x !== '[redacted]' && typeof x !== 'boolean'
              ? [`${k}=${JSON.stringify(x)}`]
              : secretish(x),
          );
    expect(entries.flatMap((e) => [...secretish(e.before), ...secretish(e.after)])).toEqual([]);
  });
});
