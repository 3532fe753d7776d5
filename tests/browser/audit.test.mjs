// The audits a chamber's web office runs before publishing, on the built
// site served under a sub-path, in Debian's Chromium: Lighthouse 12.2.3
// (accessibility, best practices and SEO at 100, performance at 95 or
// more, mobile and desktop) and pa11y with HTML_CodeSniffer (WCAG 2 AA,
// no errors), on the home, a section and a process page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildBook, serve } from './lib.mjs';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import pa11y from 'pa11y';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PAGES = [['home', 'index.html'], ['sezione', 'processi/C2.6.html'], ['processo', 'processi/C2.6.1.1.html']];

let book, server, chrome;

before(async () => {
  book = buildBook();
  server = await serve(book.site);
  chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: FLAGS });
});

after(async () => {
  await chrome?.kill();
  await server?.close();
  book?.cleanup();
});

for (const [name, path] of PAGES) {
  for (const formFactor of ['mobile', 'desktop']) {
    test(`Lighthouse: ${name}, ${formFactor}`, async () => {
      const desktop = formFactor === 'desktop';
      const result = await lighthouse(`${server.url}${path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['accessibility', 'best-practices', 'seo', 'performance'],
        formFactor,
        screenEmulation: desktop
          ? { mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false }
          : { mobile: true, width: 412, height: 823, deviceScaleFactor: 1.75, disabled: false },
        ...(desktop ? { throttling: { rttMs: 40, throughputKbps: 10240, cpuSlowdownMultiplier: 1 } } : {}),
      });
      const { categories, audits } = result.lhr;
      const score = (c) => Math.round(categories[c].score * 100);
      const failing = (c) => categories[c].auditRefs
        .map((r) => audits[r.id])
        .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual')
        .map((a) => `${a.id} (${a.displayValue || a.score})`);
      for (const c of ['accessibility', 'best-practices', 'seo']) {
        assert.equal(score(c), 100, `${c}: ${failing(c).join(', ')}`);
      }
      assert.ok(score('performance') >= 95, `performance ${score('performance')}: ${failing('performance').join(', ')}`);
    });
  }
}

for (const [name, path] of PAGES) {
  test(`pa11y (HTML_CodeSniffer, WCAG 2 AA): ${name}`, async () => {
    const result = await pa11y(`${server.url}${path}`, {
      standard: 'WCAG2AA',
      runners: ['htmlcs'],
      chromeLaunchConfig: { executablePath: CHROMIUM, args: FLAGS.filter((f) => f !== '--headless=new') },
      timeout: 60000,
    });
    const errors = result.issues.filter((i) => i.type === 'error');
    assert.deepEqual(errors.map((e) => `${e.code}: ${e.selector}: ${e.message}`), []);
  });
}
