import type { FastifyPluginAsync } from 'fastify';

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Keepwatch</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}
input,button{font:inherit;padding:.5rem;margin:.25rem 0;width:100%;box-sizing:border-box}button{cursor:pointer}
.msg{padding:.75rem;border-radius:.25rem;margin:1rem 0}.ok{background:#e6f4ea}.err{background:#fce8e6}</style></head>
<body><h1>Keepwatch</h1>${body}</body></html>`;

/**
 * The two pages the server needs before the web UI exists: a landing page and the first-run
 * setup form behind the one-time link printed on the console. No data is rendered server-side.
 */
export const pageRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html').send(
      page(
        'Home',
        `<p>Keepwatch runs, watches and reviews your backup jobs.</p>
<ul><li><a href="/api/docs">API reference</a> (OpenAPI document at <a href="/api/openapi.json">/api/openapi.json</a>)</li>
<li>Command line: <code>./bin/keepwatch login</code>, then <code>./bin/keepwatch job list</code></li>
<li>Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>, <a href="/metrics">/metrics</a></li></ul>`,
      ),
    ),
  );
  app.get('/setup', { schema: { hide: true } }, async (_req, reply) =>
    reply
      .type('text/html')
      .header(
        'content-security-policy',
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
      )
      .send(
        page(
          'First-run setup',
          `<p>Choose the administrator password (at least 10 characters).</p>
<form id="f"><input type="password" id="p" autocomplete="new-password" placeholder="New password" required minlength="10">
<input type="password" id="q" autocomplete="new-password" placeholder="Repeat the password" required minlength="10">
<button>Set password</button></form><div id="m"></div>
<script>
const token = new URLSearchParams(location.search).get('token');
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const m = document.getElementById('m');
  const p = document.getElementById('p').value;
  if (p !== document.getElementById('q').value) { m.className = 'msg err'; m.textContent = 'The passwords differ.'; return; }
  const r = await fetch('/api/auth/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, password: p }) });
  const body = await r.json();
  m.className = 'msg ' + (r.ok ? 'ok' : 'err');
  m.textContent = r.ok ? 'Done. Sign in as ' + body.user.username + ' (keepwatch login).' : body.error.message;
});
</script>`,
        ),
      ),
  );
};
