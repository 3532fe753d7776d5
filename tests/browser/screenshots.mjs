// Screenshots of the bundled manual for the README: home page and a process
// page, at desktop and phone width.   node tests/browser/screenshots.mjs
import { buildBook, serve, launch, repo } from './lib.mjs';
import { join } from 'node:path';

const book = buildBook();
const server = await serve(book.site);
const browser = await launch();
const shots = [
  ['home-desktop.png', 'index.html', 1280, 900],
  ['home-telefono.png', 'index.html', 390, 844],
  ['processo-desktop.png', 'processi/A1.1.1.4.html', 1280, 900],
  ['processo-telefono.png', 'processi/A1.1.1.4.html', 390, 844],
];
for (const [file, path, width, height] of shots) {
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
  await page.goto(server.url + path);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(repo, 'docs', file) });
  await page.close();
}
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`${server.url}processi/C2.6.html`);
await page.type('#campo-ricerca', 'protesto');
await page.waitForFunction(() => document.querySelector('.stato-ricerca').textContent.includes('protesto'));
await page.screenshot({ path: join(repo, 'docs', 'ricerca-desktop.png') });
// The results page, after Enter.
await Promise.all([page.waitForURL(/cerca\.html/), page.keyboard.press('Enter')]);
await page.waitForFunction(() => /risultat/.test(document.querySelector('.stato-ricerca-pagina')?.textContent || ''));
await page.screenshot({ path: join(repo, 'docs', 'risultati-desktop.png') });
await page.close();
await server.close();
book.cleanup();

// Editions: the bundled edition and the test fixture's as the next one.
const two = buildBook({ secondEdition: true });
const server2 = await serve(two.site);
for (const [file, path, width, height] of [
  ['modifiche-desktop.png', 'edizioni/2027-01-25/modifiche.html', 1280, 1100],
  ['voce-eliminata-telefono.png', 'processi/A1.1.1.6.html', 390, 844],
]) {
  const p = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
  await p.goto(server2.url + path);
  await p.evaluate(() => document.fonts.ready);
  await p.screenshot({ path: join(repo, 'docs', file) });
  await p.close();
}
await browser.close();
await server2.close();
two.cleanup();
