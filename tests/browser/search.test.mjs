// Search as a citizen uses it: typed into the real search box of a page of
// the site served under a sub-path, in Debian's Chromium.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildBook, serve, launch, openPage, search } from './lib.mjs';

let book, server, browser, page;

before(async () => {
  book = buildBook();
  server = await serve(book.site);
  browser = await launch();
  page = await openPage(browser, `${server.url}processi/A1.1.1.1.html`);
});

after(async () => {
  await browser?.close();
  await server?.close();
  book?.cleanup();
});

const top3 = (codes, want) => assert.ok(codes.slice(0, 3).some((c) => want(c)), `not in the first three: ${codes.slice(0, 5).join(', ')}`);

test('Italian word forms find the process', async () => {
  // «protesto» is the singular of «protesti» in the titles of C2.6.
  top3(await search(page, 'protesto'), (c) => c.startsWith('C2.6'));
  // «tachigrafica» finds «carte tachigrafiche».
  top3(await search(page, 'tachigrafica'), (c) => c === 'D2.2.2.1' || c === 'D2.2.2');
  // Plural and singular: «marchio» finds «marchi e brevetti».
  top3(await search(page, 'brevetto'), (c) => c.startsWith('C2.10'));
});

test('accents are optional and case does not matter', async () => {
  top3(await search(page, 'proprieta industriale'), (c) => c.startsWith('C2.10'));
  top3(await search(page, 'PROPRIETÀ INDUSTRIALE'), (c) => c.startsWith('C2.10'));
  top3(await search(page, 'anticorruzione'), (c) => c.startsWith('A1.2.1'));
  top3(await search(page, 'carta nazionale dei servizi'), (c) => c === 'D2.2.1.1' || c === 'D2.2.1');
});

test('a code puts that process first, in any case', async () => {
  for (const q of ['C2.5.3.1', 'c2.5.3.1', 'C2.5.3.1.']) {
    const codes = await search(page, q);
    assert.equal(codes[0], 'C2.5.3.1', q);
  }
  // A code with a letter suffix, and one written the sheet's way.
  assert.equal((await search(page, 'c1.1.7b'))[0], 'C1.1.7b');
  assert.equal((await search(page, 'F.1.1.1.1'))[0], 'F1.1.1.1');
});

test('a code prefix lists what lies under it', async () => {
  const codes = await search(page, 'C2.5');
  assert.equal(codes[0], 'C2.5');
  assert.ok(codes.length >= 8, codes.join(', '));
  for (const c of codes) assert.ok(c === 'C2.5' || c.startsWith('C2.5.'), `${c} is not under C2.5`);
  // C2.1 does not list C2.10.
  for (const c of await search(page, 'C2.1')) assert.ok(!c.startsWith('C2.10'), `C2.1 listed ${c}`);
});

test('results show path and snippet, and screen readers hear the count', async () => {
  await search(page, 'metalli preziosi');
  const first = page.locator('.elenco-risultati li').first();
  assert.match(await first.locator('.percorso').textContent(), /C2 .*›.*C2\.5 METROLOGIA LEGALE/);
  assert.ok((await first.locator('.estratto mark').count()) > 0, 'matched words are marked');
  const status = page.locator('.stato-ricerca');
  assert.equal(await status.getAttribute('role'), 'status');
  assert.equal(await status.getAttribute('aria-live'), 'polite');
  const shown = await page.locator('.elenco-risultati li').count();
  assert.match(await status.textContent(), new RegExp(`^${shown} risultat[oi] per «metalli preziosi»`));
});

const counted = () => page.waitForFunction(() => [...document.querySelectorAll('select[name="funzione"] option')].some((o) => !o.hidden && /\([1-9]\d*\)$/.test(o.textContent)));

test('filters by function and responsible role, with counts', async () => {
  await search(page, 'rilascio');
  const fn = page.locator('select[name="funzione"]');
  // The values are there from the start; the counts come when a filter is reached.
  assert.ok((await fn.locator('option').count()) >= 7);
  await fn.focus();
  await counted();
  const options = await fn.locator('option:not([hidden])').allTextContents();
  assert.ok(options.some((o) => /^D Studio.*\(\d+\)$/.test(o)), options.join(' | '));
  await fn.selectOption({ label: options.find((o) => o.startsWith('D ')) });
  await page.waitForFunction(() => [...document.querySelectorAll('.elenco-risultati .codice')].every((e) => e.textContent.startsWith('D')));
  const codes = await page.$$eval('.elenco-risultati .codice', (els) => els.map((e) => e.textContent));
  assert.ok(codes.length > 0 && codes.every((c) => c.startsWith('D')), codes.join(', '));
  await fn.selectOption('');
  await search(page, 'iscrizione');
  await counted();
  const role = page.locator('select[name="responsabile"]');
  const roles = await role.locator('option:not([hidden])').allTextContents();
  const conservatore = roles.find((o) => /^Conservatore del Registro imprese \(\d+\)$/.test(o));
  assert.ok(conservatore, roles.join(' | '));
  await role.selectOption({ label: conservatore });
  await page.waitForFunction(() => document.querySelectorAll('.elenco-risultati li').length > 0 && document.querySelectorAll('.elenco-risultati li').length < 5);
  const filtered = await page.$$eval('.elenco-risultati .codice', (els) => els.map((e) => e.textContent));
  assert.ok(filtered.every((c) => c.startsWith('C1.1')), filtered.join(', '));
  await role.selectOption('');
});

test('the keyboard alone: arrows, Enter, Esc', async () => {
  const codes = await search(page, 'protesti');
  assert.ok(codes.length >= 2);
  await page.focus('#campo-ricerca');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.querySelector('.codice')?.textContent), codes[0]);
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.querySelector('.codice')?.textContent), codes[1]);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'campo-ricerca');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#risultati-ricerca').isHidden(), true);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'campo-ricerca');
  // Enter on a result opens it.
  await search(page, 'C2.6.3.1');
  await page.keyboard.press('ArrowDown');
  await Promise.all([page.waitForURL(/processi\/C2\.6\.3\.1\.html$/), page.keyboard.press('Enter')]);
  assert.equal(page.problems.length, 0, page.problems.join('\n'));
  await page.goto(`${server.url}processi/A1.1.1.1.html`);
});

const resultsPage = async (p) => {
  await p.waitForFunction(() => /risultat/.test(document.querySelector('.stato-ricerca-pagina')?.textContent || ''), null, { timeout: 10000 });
  return p.$$eval('.pagina-ricerca .elenco-risultati .codice', (els) => els.map((e) => e.textContent.trim()));
};

test('Enter in the box, or the button, opens the results page, not the first hit', async () => {
  // Once: «visura» + Enter opened D5.3.3.1, whatever the person wanted.
  await search(page, 'visura');
  await Promise.all([page.waitForURL(/cerca\.html\?q=visura$/), page.keyboard.press('Enter')]);
  const codes = await resultsPage(page);
  assert.ok(codes.includes('C1.1.4.1') && codes.includes('D5.3.3.1'), codes.join(', '));
  assert.equal(await page.inputValue('#campo-ricerca-pagina'), 'visura');
  // The button of the box does the same.
  await page.fill('#campo-ricerca', 'protesto');
  await Promise.all([page.waitForURL(/cerca\.html\?q=protesto$/), page.click('.testata button[type="submit"]')]);
  await resultsPage(page);
  // Searching again from the results page keeps the query in the address.
  await page.fill('#campo-ricerca-pagina', 'diritto annuale');
  await page.click('.pagina-ricerca button[type="submit"]');
  await page.waitForFunction(() => /«diritto annuale»/.test(document.querySelector('.stato-ricerca-pagina').textContent));
  assert.match(page.url(), /q=diritto\+annuale$/);
  assert.equal(page.problems.length, 0, page.problems.join('\n'));
  await page.goto(`${server.url}processi/A1.1.1.1.html`);
});

test('processes that hold the words rank above sections that only name them', async () => {
  const local = await openPage(browser, `${server.url}cerca.html?q=protesto`);
  const codes = await resultsPage(local);
  // The processes of the protests' register, then the sections above them.
  const firstSection = codes.findIndex((c) => ['C2.6', 'C2.6.1', 'C2.6.2', 'C2.6.3'].includes(c));
  const processes = codes.filter((c) => /^C2\.6\.\d\.\d$/.test(c));
  assert.ok(processes.length >= 3, codes.join(', '));
  assert.ok(firstSection >= processes.length, `a section ranks above a process: ${codes.join(', ')}`);
  // A section's excerpt does not repeat its title.
  const repeats = await local.$$eval('.pagina-ricerca .elenco-risultati li', (lis) => lis
    .filter((li) => li.querySelector('.estratto'))
    .filter((li) => li.querySelector('.estratto').textContent.replace(/\W+/g, ' ').trim().toLowerCase() === li.querySelector('a').textContent.replace(/\W+/g, ' ').trim().toLowerCase())
    .length);
  assert.equal(repeats, 0);
  await local.close();
});

test('opened from disk, the search box says up front that it needs the published site', async () => {
  const local = await browser.newPage();
  await local.goto(`file://${book.site}/processi/C2.6.html`);
  // Before anything is typed, with a link to the map.
  await local.waitForFunction(() => /sito pubblicato/.test(document.querySelector('.stato-ricerca').textContent));
  assert.ok(await local.locator('.stato-ricerca a[href="#titolo-mappa"]').isVisible());
  // The rest of the site works from disk: links lead to pages.
  await Promise.all([local.waitForURL(/C2\.6\.1\.html$/), local.click('.figli a[href$="C2.6.1.html"]')]);
  await local.close();
});
