// Screenshot of the search results: node shot-search.mjs URL OUT WIDTH QUERY
import { launch } from './lib.mjs';
const [url, out, w, q] = process.argv.slice(2);
const browser = await launch();
const page = await browser.newPage({ viewport: { width: +w, height: 900 } });
await page.goto(url);
await page.type('#campo-ricerca', q);
await page.waitForFunction((q) => document.querySelector('.stato-ricerca').textContent.includes(q), q);
await page.screenshot({ path: out });
await browser.close();
