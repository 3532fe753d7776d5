// Takes screenshots of built pages: node shot.mjs <url> <out.png> [width] [height] [fullPage]
import { chromium } from 'playwright-core';
const [url, out, w = '1280', h = '900', full = '1'] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: +w, height: +h } });
page.on('console', (m) => console.log('console:', m.type(), m.text()));
await page.goto(url);
await page.screenshot({ path: out, fullPage: full === '1' });
await browser.close();
