// Time from saving a page's Markdown to the open page showing the change,
// through `manuale serve` (median of N saves).
//   node tests/browser/bench-serve.mjs BOOK_DIR [N]
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, launch } from './lib.mjs';

const [dir, n = '10', page_path = 'processi/C2.6.1.1.html', md = 'content/C/C2/C2.6/C2.6.1/C2.6.1.1.md'] = process.argv.slice(2);
const server = spawn(bin, ['anteprima', '--porta', '0'], { cwd: dir });
let output = '';
server.stdout.on('data', (d) => { output += d; });
server.stderr.on('data', (d) => { output += d; });
const url = await new Promise((ok) => {
  const check = () => { const m = /Anteprima su (\S+)/.exec(output); if (m) ok(m[1]); else setTimeout(check, 50); };
  check();
});
const browser = await launch();
const page = await browser.newPage();
await page.goto(url + page_path);
await page.waitForTimeout(500);
const times = [];
for (let i = 0; i < Number(n); i++) {
  const mark = `Misura ${i} ${Date.now()}`;
  const t0 = performance.now();
  appendFileSync(join(dir, md), `\n${mark}\n`);
  await page.waitForFunction((m) => document.body && document.body.innerText.includes(m), mark, { polling: 'raf', timeout: 60000 });
  times.push(performance.now() - t0);
  await page.waitForTimeout(300);
}
times.sort((a, b) => a - b);
const median = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
console.log(`dal salvataggio alla pagina aggiornata: mediana ${median.toFixed(0)} ms su ${times.length} salvataggi (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)})`);
const rebuilt = [...output.matchAll(/(?:Ricostruito tutto: \d+ pagine|Aggiornate \d+ pagine) in (\d+) ms/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
if (rebuilt.length) console.log(`ricostruzione (dal log di serve): mediana ${rebuilt[Math.floor(rebuilt.length / 2)]} ms`);
await browser.close();
server.kill('SIGINT');
