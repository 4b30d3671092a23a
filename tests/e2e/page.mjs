// The page as a whole: it loads clean under its CSP, themes switch, and how long the first
// interactive frame takes (reports/timing.txt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPORTS, openPage, loadApp, atHop } from './harness.mjs';

export function pageSuite(ctx) {
  test('the page loads with no console errors and no CSP violations', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, ctx.server.url);
      await page.getByTestId('lesson-list').waitFor();
      await page.goto(ctx.server.url + '#/clusterip/23');
      await atHop(page, 23);
      // Give late errors (a failed fetch, a panic on the first tick) a moment to surface.
      await page.waitForTimeout(300);
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'Content-Security-Policy violations');
      assert.deepEqual(problems, [], 'console errors, page errors or failed requests');
      for (const role of ['banner', 'main']) {
        assert.equal(await page.getByRole(role).count(), 1, `one ${role} landmark`);
      }
    } finally {
      await context.close();
    }
  });

  test('the theme follows the system and the toggle switches it', async () => {
    const { context, page, problems } = await openPage(ctx.browser, { colorScheme: 'dark' });
    try {
      await loadApp(page, ctx.server.url + '#/same-node/3');
      const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(await bg(), 'rgb(15, 19, 24)', 'the dark palette applies with the system');
      await page.getByRole('button', { name: 'Switch to light theme' }).click();
      assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
      assert.equal(await bg(), 'rgb(246, 247, 249)');
      // The choice is remembered.
      await page.reload();
      await page.waitForFunction(() => typeof window.__packetwalkReady === 'number');
      assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
      await page.getByRole('button', { name: 'Switch to dark theme' }).click();
      assert.equal(await bg(), 'rgb(15, 19, 24)');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('with reduced motion the packet jumps instead of gliding', async () => {
    const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    try {
      await loadApp(page, ctx.server.url + '#/same-node/3');
      const transform = () => page.getByTestId('packet').getAttribute('transform');
      await page.getByTestId('next').click();
      await atHop(page, 4);
      const first = await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => ok(document.querySelector('[data-testid="packet"]').getAttribute('transform')))));
      await page.waitForTimeout(700);
      assert.equal(first, await transform(), 'already at its place on the next frame');
    } finally {
      await context.close();
    }
  });

  test('time from navigation to the first interactive frame', async () => {
    const runs = 5;
    const report = [
      'packetwalk: navigation start to the first frame after the app mounted',
      '(window.__packetwalkReady = performance.now() in a requestAnimationFrame after mount)',
      `release build from dist/, local static server, headless Chromium, cold cache, ${runs} runs each`,
      '',
    ];
    for (const [what, hash] of [['lesson list', ''], ['a lesson, deep-linked (#/dns/90)', '#/dns/90']]) {
      const samples = [];
      for (let i = 0; i < runs; i++) {
        // A new context each time: a cold cache, as a first visit.
        const { context, page } = await openPage(ctx.browser);
        try {
          await loadApp(page, ctx.server.url + hash);
          samples.push(
            await page.evaluate(() => {
              const nav = performance.getEntriesByType('navigation')[0];
              return { ready: window.__packetwalkReady, domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
            }),
          );
        } finally {
          await context.close();
        }
      }
      const median = (key) => samples.map((s) => s[key]).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
      report.push(
        `${what}:`,
        `  ready (median):            ${median('ready').toFixed(1)} ms`,
        `  ready (each run):          ${samples.map((s) => s.ready.toFixed(1)).join(', ')} ms`,
        `  DOMContentLoaded (median): ${median('domContentLoaded').toFixed(1)} ms`,
        `  load event (median):       ${median('load').toFixed(1)} ms`,
        '',
      );
      assert.ok(samples.every((s) => s.ready > 0));
    }
    await mkdir(REPORTS, { recursive: true });
    await writeFile(join(REPORTS, 'timing.txt'), report.join('\n'));
    console.log(report.join('\n'));
  });
}
