// `manuale serve` as an author uses it: a page open in Chromium shows each
// saved edit by itself (Markdown, template, spreadsheet), shows a broken edit
// as an overlay with file and line, and recovers on the next good save.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repo, bin, launch } from './lib.mjs';

let dir, server, url, browser, page, output = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'manuale-serve-'));
  for (const p of ['book.toml', 'logo.svg', 'data', 'content', 'themes']) cpSync(join(repo, p), join(dir, p), { recursive: true });
  server = spawn(bin, ['anteprima', '--porta', '0'], { cwd: dir });
  server.stdout.on('data', (d) => { output += d; });
  server.stderr.on('data', (d) => { output += d; });
  url = await new Promise((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`serve did not start:\n${output}`)), 60000);
    const check = () => {
      const m = /Anteprima su (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (m) { clearTimeout(t); ok(m[1]); } else setTimeout(check, 50);
    };
    check();
  });
  browser = await launch();
  page = await browser.newPage();
  await page.goto(`${url}processi/C2.6.1.1.html`);
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGINT');
    await new Promise((ok) => server.once('exit', ok));
  }
  rmSync(dir, { recursive: true, force: true });
});

const page_md = () => join(dir, 'content/C/C2/C2.6/C2.6.1/C2.6.1.1.md');
const shows = (text, timeout = 30000) => page.waitForFunction((t) => document.body.innerText.includes(t), text, { timeout });

test('serve listens on loopback and says where', () => {
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.match(output, /Cartella dell'anteprima: /);
});

test('an edit to a page\'s text appears in place: no reload, scroll kept, other pages left alone', async () => {
  const other = await browser.newPage();
  await other.goto(`${url}processi/C2.6.3.1.html`);
  await other.evaluate(() => { window.__marker = 'altra pagina'; });
  const print = await browser.newPage();
  await print.goto(`${url}stampa.html`);
  await page.evaluate(() => window.scrollTo(0, 400));
  await page.evaluate(() => { window.__marker = 'stessa pagina'; });
  appendFileSync(page_md(), '\nNota aggiunta in anteprima: verifica delle istanze via PEC.\n');
  await shows('Nota aggiunta in anteprima');
  // The text was swapped into the open page: no reload (the marker is
  // still there), same place.
  assert.equal(await page.evaluate(() => window.__marker), 'stessa pagina');
  assert.ok(await page.evaluate(() => window.scrollY > 300));
  // The page of the whole manual reloads once the search index and it
  // are written again, and shows the note too.
  await print.waitForFunction(() => document.body.innerText.includes('Nota aggiunta in anteprima'), null, { timeout: 30000 });
  // A page whose text did not change was neither reloaded nor touched.
  assert.equal(await other.evaluate(() => window.__marker), 'altra pagina');
  await other.close();
  await print.close();
});

test('an edit to a template appears (the page reloads)', async () => {
  await page.evaluate(() => { window.__marker = 'prima del modello'; });
  const tpl = join(dir, 'themes/default/templates/process.html');
  const before = readFileSync(tpl, 'utf8');
  const edited = before.replace('{{ <heading page ui /> }}', '{{ <heading page ui /> }}<p class="prova-modello">Modello modificato</p>');
  assert.notEqual(edited, before, 'process.html no longer calls the heading component: fix the test');
  writeFileSync(tpl, edited);
  await shows('Modello modificato');
  assert.equal(await page.evaluate(() => window.__marker), undefined);
});

test('an edit to the spreadsheet is imported and appears', async () => {
  const sheet = join(dir, 'data/mappatura-processi.tsv');
  writeFileSync(sheet, readFileSync(sheet, 'utf8').replace(
    'Verifica istanza e documentazione allegata Predisposizione del provvedimento dirigenziale',
    'Verifica istanza, documentazione allegata e pagamento dei diritti di segreteria',
  ));
  await shows('pagamento dei diritti di segreteria');
  // The author's note survived the import.
  assert.ok(await page.evaluate(() => document.body.innerText.includes('Nota aggiunta in anteprima')));
});

test('a broken edit shows the error with file and line, then recovers', async () => {
  const good = readFileSync(page_md(), 'utf8');
  writeFileSync(page_md(), good.replace('code = "C2.6.1.1"', 'code = C2.6.1.1'));
  const overlay = page.locator('#manuale-errore');
  await overlay.waitFor({ timeout: 30000 });
  assert.equal(await overlay.getAttribute('role'), 'alert');
  assert.match(await overlay.textContent(), /C2\.6\.1\.1\.md:2: pagina non valida/);
  // The last good build is still served.
  const res = await page.request.get(`${url}processi/C2.6.1.1.html`);
  assert.equal(res.status(), 200);
  assert.match(await res.text(), /Nota aggiunta in anteprima/);
  writeFileSync(page_md(), good.replace('Nota aggiunta in anteprima', 'Nota corretta in anteprima'));
  await shows('Nota corretta in anteprima');
  assert.equal(await page.locator('#manuale-errore').count(), 0);
});

test('a template error and a malformed sheet show too, then recover', async () => {
  const tpl = join(dir, 'themes/default/templates/process.html');
  const goodTpl = readFileSync(tpl, 'utf8');
  writeFileSync(tpl, goodTpl.replace('{% block main %}', '{% block main %}{{ page.title | filtro_inesistente }}'));
  const overlay = page.locator('#manuale-errore');
  await overlay.waitFor({ timeout: 30000 });
  assert.match(await overlay.textContent(), /process\.html/);
  writeFileSync(tpl, goodTpl);
  await overlay.waitFor({ state: 'detached', timeout: 30000 }).catch(async (e) => { throw new Error(`template fix: ${await overlay.textContent()}\n${output.slice(-1500)}`); });
  const sheet = join(dir, 'data/mappatura-processi.tsv');
  const goodSheet = readFileSync(sheet);
  writeFileSync(sheet, Buffer.from('non è una mappatura\nniente colonne\n'));
  await overlay.waitFor({ timeout: 30000 });
  assert.match(await overlay.textContent(), /mappatura-processi\.tsv: manca la riga di intestazione/);
  writeFileSync(sheet, goodSheet);
  await overlay.waitFor({ state: 'detached', timeout: 30000 }).catch(async (e) => { throw new Error(`sheet fix: ${await overlay.textContent()}\n${output.slice(-1500)}`); });
});

test('editors that save through a temporary file and a rename work', async () => {
  const tmp = join(dir, 'content/C/C2/C2.6/C2.6.1/.C2.6.1.1.md.swp');
  writeFileSync(tmp, readFileSync(page_md(), 'utf8').replace('Nota corretta in anteprima', 'Nota salvata con rinomina'));
  const { renameSync } = await import('node:fs');
  renameSync(tmp, page_md());
  await shows('Nota salvata con rinomina');
});

test('the build output never carries the reload script', async () => {
  const out = join(dir, 'pubblica');
  const { execFileSync } = await import('node:child_process');
  execFileSync(bin, ['costruisci', '--destinazione', out], { cwd: dir });
  assert.ok(!readFileSync(join(out, 'processi/C2.6.1.1.html'), 'utf8').includes('__manuale'));
});

test('Ctrl-C stops the server cleanly and removes the preview folder', async () => {
  const folder = /Cartella dell'anteprima: (.*)/.exec(output)[1].trim();
  assert.ok(existsSync(folder));
  server.kill('SIGINT');
  const code = await new Promise((ok) => server.once('exit', (c) => ok(c)));
  assert.equal(code, 0);
  assert.ok(!existsSync(folder), 'preview folder left behind');
  assert.match(output, /Anteprima fermata/);
});
