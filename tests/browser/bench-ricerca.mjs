// Search benchmark: bytes a browser downloads for a first and a second query,
// and the time from the last keystroke to the results on screen, on a built
// site served over loopback (no compression, as a plain static server).
//
//   node tests/browser/bench-ricerca.mjs SITE_DIR [PAGE] [QUERY1] [QUERY2] [CODE]
//
// Run by benches/ricerca.sh on the bundled map and on a synthetic one.

import { serve, launch } from './lib.mjs';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [site, pagePath = 'processi/A1.1.html', q1 = 'protesto', q2 = 'tachigrafica', q3 = 'C2.5.3.1'] = process.argv.slice(2);

const du = (dir) => readdirSync(dir, { withFileTypes: true })
  .reduce((n, e) => n + (e.isDirectory() ? du(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);

const server = await serve(site);
const browser = await launch();
const page = await browser.newPage();
let bytes = 0;
const files = [];
page.on('response', async (r) => {
  try {
    const n = (await r.body()).length;
    bytes += n;
    files.push(`${r.url().slice(server.url.length)} ${n}`);
  } catch { /* redirects have no body */ }
});
await page.goto(server.url + pagePath);
await page.waitForLoadState('networkidle');

async function measure(q) {
  bytes = 0;
  files.length = 0;
  await page.fill('#campo-ricerca', '');
  await page.evaluate(() => {
    window.__t = {};
    const input = document.querySelector('#campo-ricerca');
    input.addEventListener('keydown', () => { window.__t.key = performance.now(); });
    new MutationObserver(() => { window.__t.done = performance.now(); })
      .observe(document.querySelector('.elenco-risultati'), { childList: true, subtree: true });
  });
  await page.focus('#campo-ricerca');
  await page.keyboard.type(q);
  await page.waitForFunction((q) => document.querySelector('.stato-ricerca').textContent.includes(`«${q}»`), q);
  await page.waitForLoadState('networkidle');
  const t = await page.evaluate(() => window.__t);
  const first = await page.$eval('.elenco-risultati .codice', (e) => e.textContent).catch(() => '-');
  return { q, bytes, ms: t.done - t.key, first, files: [...files] };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`indice di ricerca su disco: ${kb(du(join(site, 'ricerca')))} (pagefind ${kb(du(join(site, 'ricerca', 'pagefind')))}, codici ${kb(du(join(site, 'ricerca', 'codici')))})`);
for (const label of ['prima ricerca', 'seconda ricerca', 'codice']) {
  const q = { 'prima ricerca': q1, 'seconda ricerca': q2, codice: q3 }[label];
  const r = await measure(q);
  console.log(`${label} «${r.q}»: ${kb(r.bytes)} scaricati, ${r.ms.toFixed(0)} ms dall'ultimo tasto ai risultati (debounce di 120 ms incluso), primo risultato ${r.first}`);
  if (process.env.DETAIL) for (const f of r.files) console.log(`    ${f}`);
}
await browser.close();
await server.close();
