// The site as a citizen meets it, in Debian's Chromium: nothing moves while
// a page loads, the whole map prints readably on few sheets, links stay as
// readable as the text in dark mode.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildBook, serve, launch, openPage } from './lib.mjs';

let book, server, browser;

before(async () => {
  book = buildBook();
  server = await serve(book.site);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  book?.cleanup();
});

/** Cumulative layout shift of a page load (shifts not caused by input). */
const cls = async (url, viewport) => {
  const page = await browser.newPage({ viewport });
  await page.addInitScript(() => {
    window.__shifts = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(url, { waitUntil: 'load' });
  // Fonts, the search script and its first work.
  await page.waitForTimeout(1500);
  const value = await page.evaluate(() => window.__shifts);
  await page.close();
  return value;
};

for (const [name, path] of [['home', 'index.html'], ['sezione', 'processi/C2.6.html'], ['processo', 'processi/C2.6.1.1.html']]) {
  for (const width of [390, 1280]) {
    test(`nothing moves while the page loads: ${name} at ${width} px`, async () => {
      const value = await cls(`${server.url}${path}`, { width, height: 900 });
      assert.ok(value < 0.05, `CLS ${value.toFixed(3)}`);
    });
  }
}

test('the whole map prints readably: headings of 11 pt or more, a sheet per function', async () => {
  const page = await openPage(browser, `${server.url}stampa.html`);
  await page.emulateMedia({ media: 'print' });
  const sizes = await page.$$eval('.stampa-nodo :is(h2,h3,h4,h5,h6)', (hs) => hs.map((h) => [h.tagName, parseFloat(getComputedStyle(h).fontSize) * 0.75]));
  assert.ok(sizes.length > 300);
  const small = sizes.filter(([, pt]) => pt < 10);
  assert.deepEqual(small.slice(0, 5), [], 'headings under 10 pt on paper');
  const breaks = await page.$$eval('.stampa-nodo', (ns) => ns.map((n) => [n.className, getComputedStyle(n).breakBefore]));
  const pageBreaks = breaks.filter(([, b]) => b === 'page');
  assert.equal(pageBreaks.length, 6, 'one new sheet for each function');
  assert.ok(pageBreaks.every(([c]) => c.includes('funzione-stampa')));
  // A label stays with its text, no line is left alone on a sheet.
  const labels = await page.$$eval('.stampa-nodo dt', (ns) => ns.map((n) => getComputedStyle(n).breakAfter));
  assert.ok(labels.length > 500 && labels.every((b) => b === 'avoid'));
  const widows = await page.$eval('.stampa-nodo dd', (n) => [getComputedStyle(n).orphans, getComputedStyle(n).widows]);
  assert.deepEqual(widows, ['3', '3']);
  // And how many A4 sheets that makes: once 209 for the bundled map.
  const pdf = await page.pdf({ format: 'A4' });
  const sheets = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.ok(sheets > 10 && sheets < 140, `${sheets} sheets`);
  await page.close();
});

test('in dark mode links are as readable as the text around them', async () => {
  const page = await openPage(browser, `${server.url}processi/C2.6.html`, { width: 1280, height: 900 }, { colorScheme: 'dark' });
  const [link, text, bg] = await page.evaluate(() => {
    const a = document.querySelector('main .figli a');
    const body = getComputedStyle(document.body);
    return [getComputedStyle(a).color, body.color, body.backgroundColor];
  });
  const rgb = (s) => s.match(/\d+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = c.map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  assert.ok(contrast(link, bg) >= contrast(text, bg) - 0.5, `link ${link} ${contrast(link, bg).toFixed(2)} vs text ${text} ${contrast(text, bg).toFixed(2)} on ${bg}`);
  await page.close();
});

test('the chamber: its links in header, trail and footer when set, none when not', async () => {
  const page = await openPage(browser, `${server.url}processi/C2.6.1.1.html`);
  const visible = async (sel) => page.locator(sel).first().isVisible();
  assert.ok(await visible('.testata-sottile a[href="https://www.esempio.camcom.it/"]'));
  assert.ok(await visible('.testata-sottile a[href="https://www.esempio.camcom.it/amministrazione-trasparente/"]'));
  assert.ok(await visible('.marchio img.logo'));
  const trail = await page.$$eval('.briciole a', (as) => as.map((a) => a.textContent.trim()));
  assert.deepEqual(trail.slice(0, 5), ['Camera di commercio di Esempio', 'Amministrazione trasparente', 'Altri contenuti', 'Prevenzione della corruzione', 'Mappatura dei processi']);
  assert.ok(await visible('.piede a[href="mailto:trasparenza@esempio.camcom.it"]'));
  assert.ok(await visible('.piede a[href="https://www.esempio.camcom.it/dichiarazione-di-accessibilita"]'));
  await page.close();
  // The same book without [ente].
  const bare = buildBook({
    toml: (dir) => {
      const f = `${dir}/book.toml`;
      const kept = [];
      let skip = false;
      for (const line of readFileSync(f, 'utf8').split('\n')) {
        if (line.startsWith('[')) skip = line.trim() === '[ente]';
        if (!skip) kept.push(line);
      }
      writeFileSync(f, kept.join('\n'));
    },
  });
  const bareServer = await serve(bare.site);
  const p2 = await openPage(browser, `${bareServer.url}processi/C2.6.1.1.html`);
  assert.equal(await p2.locator('.testata-sottile, img.logo, .piede-contatti').count(), 0);
  assert.equal(await p2.locator('a[href=""]').count(), 0, 'no empty link');
  assert.equal((await p2.$$eval('.briciole a', (as) => as.map((a) => a.textContent.trim())))[0], 'Home');
  assert.deepEqual(p2.problems, []);
  await p2.close();
  await bareServer.close();
  bare.cleanup();
});
