import path from 'node:path';

/** Everything the server reads from its environment, resolved once at start. */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string | undefined;
  /** Master key material for credentials at rest; else `<dataDir>/secret.key` is used/created. */
  secret?: string | undefined;
  adminUser: string;
  adminPassword?: string | undefined;
  /** Base URL printed in setup links; defaults to http://localhost:<port>. */
  publicUrl: string;
  logLevel: string;
  /** Overrides the stored instance setting at start (useful in tests and containers). */
  maxConcurrentRuns?: number | undefined;
  /** Fires missed while the server was down run once on start when at most this old. */
  catchUpWindowSeconds?: number | undefined;
  timezone?: string | undefined;
  /** Start the scheduler and the in-process dispatcher (a pure API node can switch them off). */
  runScheduler: boolean;
  runWorkers: boolean;
  /** Optional bearer token required by /metrics. */
  metricsToken?: string | undefined;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback?: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer (got '${raw}')`);
  return n;
}

function boolFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false (got '${env[name]}')`);
}

export function loadConfigFromEnv(env: NodeJS.ProcessEnv): AppConfig {
  const port = intFrom(env, 'PORT', 8080) ?? 8080;
  if (port > 65535) throw new Error(`PORT must be at most 65535 (got ${port})`);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.KEEPWATCH_DATA || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    secret: env.KEEPWATCH_SECRET || undefined,
    adminUser: env.KEEPWATCH_ADMIN_USER || 'admin',
    adminPassword: env.KEEPWATCH_ADMIN_PASSWORD || undefined,
    publicUrl: (env.KEEPWATCH_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    logLevel: env.LOG_LEVEL || 'info',
    maxConcurrentRuns: intFrom(env, 'KEEPWATCH_MAX_CONCURRENT_RUNS'),
    catchUpWindowSeconds: intFrom(env, 'KEEPWATCH_CATCH_UP_WINDOW'),
    timezone: env.KEEPWATCH_TIMEZONE || env.TZ || undefined,
    runScheduler: boolFrom(env, 'KEEPWATCH_SCHEDULER', true),
    runWorkers: boolFrom(env, 'KEEPWATCH_WORKERS', true),
    metricsToken: env.KEEPWATCH_METRICS_TOKEN || undefined,
  };
}
