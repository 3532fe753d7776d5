// A publication fit for Amministrazione trasparente: axe-core's WCAG 2.1 A
// and AA rules on every kind of page, at desktop and phone width, in light
// and dark mode, with search results open; the Nu HTML Checker on every
// file; keyboard use, landmarks, headings; print; no inline script (a strict
// Content-Security-Policy is sent) and no request outside the site.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { buildBook, serve, launch, openPage, search, STRICT_CSP } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

let book, server, browser;

before(async () => {
  // The 404 page needs the site's address to work at any depth.
  // Two editions: the bundled one and the test fixture's, so the pages of
  // editions, changes, earlier versions and removed processes are checked.
  book = buildBook({
    secondEdition: true,
    toml: (dir) => {
      const f = join(dir, 'book.toml');
      writeFileSync(f, readFileSync(f, 'utf8').replace(/^# indirizzo = .*$/m, 'indirizzo = "https://www.esempio.camcom.it/amministrazione-trasparente/mappatura/"'));
    },
  });
  server = await serve(book.site, '/amministrazione-trasparente/mappatura/', { 'content-security-policy': STRICT_CSP });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  book?.cleanup();
});

const PAGES = [
  ['home', 'index.html'],
  ['funzione (livello 1)', 'processi/A.html'],
  ['macro-processo (livello 2)', 'processi/A1.html'],
  ['processo (livello 3)', 'processi/A1.1.html'],
  ['sotto-processo (livello 4)', 'processi/A1.1.1.html'],
  ['attività (livello 5)', 'processi/A1.1.1.2.html'],
  ['livello 6', 'processi/B3.2.2.3.1.html'],
  ['processo con più attività', 'processi/C2.4.1.3.html'],
  ['sezione senza titolo', 'processi/A1.3.html'],
  ['codice con suffisso', 'processi/C1.1.7b.html'],
  ['stampa', 'stampa.html'],
  ['edizioni', 'edizioni/index.html'],
  ['dati aperti', 'dati-aperti.html'],
  ['che cosa è cambiato', 'edizioni/2027-01-25/modifiche.html'],
  ['versione di un\'edizione precedente', 'edizioni/2026-01-28/processi/A1.1.1.1.html'],
  ['voce eliminata', 'processi/A1.1.1.6.html'],
  ['voce spostata', 'processi/A1.1.1.4.html'],
  ['voce con storia', 'processi/A1.1.1.1.html'],
  ['pagina non trovata', 'processi/non-esiste.html'],
];
const VIEWS = [
  ['desktop', { width: 1280, height: 900 }, 'light'],
  ['telefono', { width: 375, height: 740 }, 'light'],
  ['desktop scuro', { width: 1280, height: 900 }, 'dark'],
  ['telefono scuro', { width: 375, height: 740 }, 'dark'],
];

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
}

for (const [name, path] of PAGES) {
  test(`axe WCAG 2.1 AA: ${name}`, async () => {
    for (const [view, viewport, colorScheme] of VIEWS) {
      // addScriptTag needs an exception to the page's CSP: axe is the test's.
      const page = await openPage(browser, server.url + path, viewport, { colorScheme, bypassCSP: false });
      // The not-found page itself answers 404, as it must; its assets may not.
      const notFound = (p) => path.includes('non-esiste') && (p.startsWith(`404: ${server.url}${path}`) || p.includes('status of 404'));
      const problems = [...page.problems].filter((p) => !notFound(p));
      if (path.includes('non-esiste')) assert.equal(page.problems.filter((p) => p.includes('status of 404')).length, 1, page.problems.join('\n'));
      const ctx = await browser.newContext({ viewport, colorScheme, bypassCSP: true });
      const p2 = await ctx.newPage();
      await p2.goto(server.url + path);
      const violations = await axe(p2);
      await ctx.close();
      assert.deepEqual(violations, [], `${name}, ${view}:\n${violations.join('\n')}`);
      assert.deepEqual(problems, [], `${name}, ${view}: ${problems.join('\n')}`);
      await page.close();
    }
  });
}

test('axe WCAG 2.1 AA: search results open, desktop and phone', async () => {
  for (const [view, viewport, colorScheme] of VIEWS) {
    const ctx = await browser.newContext({ viewport, colorScheme, bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto(`${server.url}processi/C2.6.html`);
    await search(page, 'protesti');
    await page.focus('select[name="funzione"]');
    await page.waitForFunction(() => /\(\d+\)/.test(document.querySelector('select[name="funzione"]').textContent));
    const violations = await axe(page);
    await ctx.close();
    assert.deepEqual(violations, [], `ricerca, ${view}:\n${violations.join('\n')}`);
  }
  // And under the strict CSP, search runs with no console error.
  const page = await openPage(browser, `${server.url}processi/C2.6.html`);
  await search(page, 'protesti');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('every HTML file passes the Nu HTML Checker', () => {
  const jar = join(require.resolve('vnu-jar/package.json'), '..', 'build', 'dist', 'vnu.jar');
  // vnu prints its JSON report on stderr; a missing Java must fail the
  // test, not pass it having checked nothing.
  const run = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'json', '--skip-non-html', book.site], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.error) {
    assert.fail(run.error.code === 'ENOENT'
      ? 'java non trovato: il Nu HTML Checker (vnu-jar) ha bisogno di Java; scripts/test installa default-jre-headless'
      : `il Nu HTML Checker non parte: ${run.error.message}`);
  }
  const report = `${run.stdout}\n${run.stderr}`.split('\n').reverse().find((l) => l.trim().startsWith('{'));
  assert.ok(report, `il Nu HTML Checker non ha dato un rapporto (uscita ${run.status}): ${run.stderr.slice(0, 500)}`);
  const messages = JSON.parse(report).messages;
  assert.ok(Array.isArray(messages), report.slice(0, 200));
  const errors = messages.filter((m) => m.type === 'error');
  const files = readdirSync(join(book.site, 'processi')).length;
  assert.ok(files > 300);
  assert.deepEqual(errors.slice(0, 10).map((m) => `${m.url.split('/').slice(-2).join('/')}:${m.lastLine}: ${m.message}`), []);
  assert.equal(run.status, 0, run.stderr.slice(0, 500));
});

for (const path of ['processi/A1.1.1.2.html', 'edizioni/2027-01-25/modifiche.html']) test(`keyboard: skip link first, visible focus, no trap (${path})`, async () => {
  const page = await openPage(browser, server.url + path);
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => ({ text: document.activeElement.textContent, href: document.activeElement.getAttribute('href') }));
  assert.deepEqual(first, { text: 'Vai al contenuto', href: '#contenuto' });
  const box = await page.locator('.salta').boundingBox();
  assert.ok(box && box.y >= 0, 'the skip link is visible when focused');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id || location.hash), 'contenuto');
  // Tab through the whole page: every stop shows its focus, and focus
  // reaches the footer (no trap).
  const seen = new Set();
  let reachedFooter = false;
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      const cs = getComputedStyle(el);
      return { key: el.outerHTML.slice(0, 80), footer: !!el.closest('footer'), outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2, tag: el.tagName };
    });
    if (f.tag === 'BODY') break;
    assert.ok(f.outline, `no visible focus on ${f.key}`);
    seen.add(f.key);
    if (f.footer) reachedFooter = true;
  }
  assert.ok(reachedFooter, 'Tab never reached the footer');
  assert.ok(seen.size > 20, `only ${seen.size} stops`);
  await page.close();
});

test('what changed reads without colour and aloud', async () => {
  const page = await openPage(browser, `${server.url}edizioni/2027-01-25/modifiche.html`);
  const marks = await page.evaluate(() => ['del', 'ins'].map((t) => {
    const el = document.querySelector(`.differenze ${t}`);
    const cs = getComputedStyle(el);
    const hint = el.querySelector('.solo-lettori');
    return { line: cs.textDecorationLine, hintWidth: hint.getBoundingClientRect().width, hint: hint.textContent };
  }));
  // Struck through and underlined, not only red and green; the words that
  // say so take no room on screen.
  assert.deepEqual(marks.map((m) => m.line), ['line-through', 'underline']);
  assert.ok(marks.every((m) => m.hintWidth <= 1), JSON.stringify(marks));
  // A screen reader hears which words were added and removed.
  const tree = await page.locator('main').ariaSnapshot();
  assert.match(tree, /testo aggiunto: Consegna anche via PEC\./);
  assert.match(tree, /testo tolto: /);
  assert.match(tree, /heading "Voci eliminate \(1\)" \[level=2\]/);
  await page.close();
});

test('landmarks, headings in order, current page marked', async () => {
  for (const path of ['index.html', 'processi/A1.1.1.2.html', 'processi/C2.6.html', 'stampa.html', 'edizioni/index.html', 'edizioni/2027-01-25/modifiche.html', 'processi/A1.1.1.6.html', 'dati-aperti.html']) {
    const page = await openPage(browser, server.url + path);
    const info = await page.evaluate(() => ({
      banner: document.querySelectorAll('body > header').length,
      main: document.querySelectorAll('main').length,
      footer: document.querySelectorAll('body > footer').length,
      navs: [...document.querySelectorAll('nav')].map((n) => n.getAttribute('aria-label') || n.getAttribute('aria-labelledby')),
      headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => Number(h.tagName[1])),
      current: document.querySelectorAll('.mappa [aria-current="page"]').length,
      emptyLinks: [...document.querySelectorAll('a')].filter((a) => !a.textContent.trim() && !a.getAttribute('aria-label')).length,
      lang: document.documentElement.lang,
    }));
    assert.equal(info.lang, 'it');
    assert.deepEqual([info.banner, info.main, info.footer], [1, 1, 1], path);
    assert.ok(info.navs.every(Boolean), `${path}: a nav without a name`);
    assert.equal(info.headings.filter((h) => h === 1).length, 1, `${path}: one h1`);
    for (let i = 1; i < info.headings.length; i++) {
      assert.ok(info.headings[i] <= info.headings[i - 1] + 1, `${path}: h${info.headings[i - 1]} then h${info.headings[i]}`);
    }
    if (path.startsWith('processi/') && !path.includes('A1.1.1.6')) assert.equal(info.current, 1, `${path}: current page in the tree`);
    assert.equal(info.emptyLinks, 0);
    await page.close();
  }
});

test('with JavaScript off everything but search works, and search says so', async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(`${server.url}processi/C2.6.html`);
  // The box is there from the start (nothing moves when a page loads); what
  // it submits says that search needs JavaScript, and where to look instead.
  await page.fill('#campo-ricerca', 'protesti');
  await Promise.all([page.waitForURL(/cerca\.html\?q=protesti$/), page.click('.testata button[type="submit"]')]);
  assert.match(await page.locator('main').textContent(), /La ricerca ha bisogno di JavaScript/);
  await page.goto(`${server.url}processi/C2.6.html`);
  await Promise.all([page.waitForURL(/C2\.6\.1\.html$/), page.click('.figli a[href$="C2.6.1.html"]')]);
  await Promise.all([page.waitForURL(/C2\.6\.html$/), page.click('.briciole a[href$="C2.6.html"]')]);
  await ctx.close();
});

test('print: no navigation chrome, link addresses shown, a sheet per function', async () => {
  const page = await openPage(browser, `${server.url}stampa.html`);
  await page.emulateMedia({ media: 'print' });
  const info = await page.evaluate(() => ({
    nav: getComputedStyle(document.querySelector('.mappa')).display,
    search: getComputedStyle(document.querySelector('.ricerca')).display,
    breakProcess: getComputedStyle(document.querySelector('.processo-stampa')).breakBefore,
    breakFunction: getComputedStyle(document.querySelector('.funzione-stampa')).breakBefore,
    linkAfter: getComputedStyle(document.querySelector('.piede a[href^="http"]'), '::after').content,
    processes: document.querySelectorAll('.processo-stampa').length,
    toc: document.querySelectorAll('.stampa-indice a').length,
    nodes: document.querySelectorAll('.stampa-nodo').length,
  }));
  assert.equal(info.nav, 'none');
  assert.equal(info.search, 'none');
  assert.equal(info.breakProcess, 'auto');
  assert.equal(info.breakFunction, 'page');
  assert.match(info.linkAfter, /attr\(href\)|https?:/);
  assert.equal(info.toc, info.nodes, 'the index lists every node');
  assert.ok(info.processes > 150);
  const pdf = await page.pdf({ format: 'A4' });
  assert.ok(pdf.length > 100000, 'a real PDF');
  await page.close();
});
