// Helpers for the browser tests: the real manuale binary builds the bundled
// book, a real HTTP server serves it under a sub-path on loopback, and
// Debian's Chromium runs the pages through playwright-core.

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const bin = process.env.MANUALE_BIN || join(repo, 'target', 'debug', 'manuale');

/**
 * A copy of the bundled book (book.toml, its logo, data, content, its one
 * edition), built. With `secondEdition`, the sheet of
 * tests/fixtures/mappatura-2027.tsv is imported and frozen as a second
 * edition first, so the site has changes, history and removed processes.
 */
export function buildBook({ toml, secondEdition } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'manuale-browser-'));
  for (const p of ['book.toml', 'logo.svg', 'data', 'content', 'editions']) cpSync(join(repo, p), join(dir, p), { recursive: true });
  if (toml) toml(dir);
  if (secondEdition) {
    cpSync(join(repo, 'tests', 'fixtures', 'mappatura-2027.tsv'), join(dir, 'data', 'mappatura-2027.tsv'));
    execFileSync(bin, ['importa', 'data/mappatura-2027.tsv'], { cwd: dir, stdio: 'pipe' });
    execFileSync(bin, ['edizione', '--data', '2027-01-25', '--atto', 'Delibera di Giunta n. 5 del 25/01/2027', '--forza-data'], { cwd: dir, stdio: 'pipe' });
  }
  execFileSync(bin, ['costruisci'], { cwd: dir, stdio: 'pipe' });
  return { dir, site: join(dir, 'book'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.csv': 'text/csv; charset=utf-8', '.xml': 'application/xml',
  '.woff2': 'font/woff2', '.pagefind': 'application/octet-stream', '.pf_meta': 'application/octet-stream',
  '.pf_index': 'application/octet-stream', '.pf_fragment': 'application/octet-stream', '.pf_filter': 'application/octet-stream',
};

/** Serves `dir` at http://127.0.0.1:PORT{prefix}, like a chamber's web server. */
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

export async function serve(dir, prefix = '/amministrazione-trasparente/mappatura/', headers = {}) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let path = decodeURIComponent(url.pathname);
    if (!path.startsWith(prefix)) { res.writeHead(404); res.end('fuori dal sito'); return; }
    path = normalize(path.slice(prefix.length));
    if (path.startsWith('..')) { res.writeHead(403); res.end(); return; }
    let file = join(dir, path);
    try { if (statSync(file).isDirectory()) file = join(file, 'index.html'); } catch { /* 404 below */ }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'content-length': body.length });
      res.end(body);
    } catch {
      res.writeHead(404, { ...headers, 'content-type': 'text/html; charset=utf-8' });
      res.end(readFileSync(join(dir, '404.html')));
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}${prefix}`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Debian's Chromium, never a downloaded one. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that records console errors, failed requests and requests that
 * leave the site. */
export async function openPage(browser, url, viewport = { width: 1280, height: 900 }, options = {}) {
  const page = await browser.newPage({ viewport, ...options });
  page.problems = [];
  const origin = new URL(url).origin;
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) page.problems.push(`outside the site: ${r.url()}`); });
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  // A request cut short by leaving the page is not a failure of the site.
  page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') page.problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`); });
  page.on('response', (r) => { if (r.status() >= 400) page.problems.push(`${r.status()}: ${r.url()}`); });
  await page.goto(url);
  return page;
}

/** Types a query into the real search box and waits for its results. */
export async function search(page, query) {
  await page.fill('#campo-ricerca', '');
  await page.type('#campo-ricerca', query);
  await page.waitForFunction(
    (q) => (document.querySelector('.stato-ricerca')?.textContent || '').includes(`«${q}»`),
    query,
    { timeout: 10000 },
  );
  return page.$$eval('.elenco-risultati li a .codice', (els) => els.map((e) => e.textContent.trim()));
}

export { join, mkdirSync };
