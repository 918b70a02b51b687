#!/usr/bin/env node
// The initial JavaScript of the web UI, gzipped: what a browser must fetch before the first
// screen can render. Run after `npx vite build --config web/vite.config.ts`.
//
//   node scripts/measure-bundle.mjs [--dist web/dist] [--max-kb 300] [--json]
//
// Counted: the entry script(s) of index.html, every <link rel="modulepreload"> and every chunk
// those import statically (import ... from "./x.js"), transitively. Not counted: chunks that are
// only loaded by import() (lazy screens, charts). Sizes are gzip at zlib's default level (6,
// what a web server typically sends); 1 KB = 1000 bytes. Exits 1 when over the budget.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dist = path.resolve(root, opt('--dist', 'web/dist'));
const maxKb = Number(opt('--max-kb', '300'));
const asJson = args.includes('--json');

const indexFile = path.join(dist, 'index.html');
if (!existsSync(indexFile)) {
  console.error(`${indexFile} is missing: build the UI first (npx vite build --config web/vite.config.ts)`);
  process.exit(2);
}
const html = readFileSync(indexFile, 'utf8');

/** "/assets/x.js" (site-absolute, as Vite writes it) → file under dist. */
const fileOf = (url) => path.join(dist, decodeURIComponent(url.split(/[?#]/)[0]).replace(/^\//, ''));

const attr = (tag, name) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(tag)?.[1];
const initial = new Set();
for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
  const src = attr(tag, 'src');
  if (src && /type\s*=\s*["']module["']/i.test(tag)) initial.add(fileOf(src));
}
for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
  const href = attr(tag, 'href');
  if (href && /rel\s*=\s*["']modulepreload["']/i.test(tag)) initial.add(fileOf(href));
}
if (!initial.size) {
  console.error(`no module script found in ${indexFile}`);
  process.exit(2);
}

// Static imports of minified ES modules: `import"./a.js"`, `import{x}from"./a.js"`,
// `export*from"./a.js"`. Dynamic `import("./a.js")` is lazy and not followed.
const STATIC_IMPORT = /(?:^|[;\s}])(?:import|export)\s*(?:[\w*${}\s,]*?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;
const queue = [...initial];
while (queue.length) {
  const file = queue.shift();
  if (!existsSync(file)) {
    console.error(`index.html refers to ${path.relative(root, file)}, which does not exist`);
    process.exit(2);
  }
  for (const m of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
    const dep = path.resolve(path.dirname(file), m[1]);
    if (!initial.has(dep)) {
      initial.add(dep);
      queue.push(dep);
    }
  }
}

const files = [...initial].map((file) => {
  const raw = readFileSync(file);
  return { file: path.relative(dist, file), bytes: raw.length, gzip: gzipSync(raw).length };
});
const total = files.reduce((s, f) => s + f.gzip, 0);
const rawTotal = files.reduce((s, f) => s + f.bytes, 0);
const kb = (n) => (n / 1000).toFixed(1);
const ok = total <= maxKb * 1000;

if (asJson) {
  console.log(JSON.stringify({ files, gzipBytes: total, rawBytes: rawTotal, budgetKb: maxKb, ok }, null, 2));
} else {
  for (const f of files.sort((a, b) => b.gzip - a.gzip)) {
    console.log(`${kb(f.gzip).padStart(8)} KB gz  ${kb(f.bytes).padStart(8)} KB  ${f.file}`);
  }
  console.log(
    `initial JS: ${kb(total)} KB gzipped (${kb(rawTotal)} KB minified) in ${files.length} file(s); budget ${maxKb} KB: ${ok ? 'PASS' : 'FAIL'}`,
  );
}
process.exit(ok ? 0 : 1);
