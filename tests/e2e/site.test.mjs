// End-to-end: the release build in dist/, served by a static server of our own, in
// headless Debian Chromium. Run with `node --test tests/e2e/*.test.mjs` after
// `trunk build --release --offline` (scripts/test.sh does both).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, REPORTS, startServer, launchBrowser, openPage, loadApp } from './harness.mjs';

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
};
const SCHEMES = ['light', 'dark'];

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the page loads with no console errors and no CSP violations', async () => {
  const { context, page, problems } = await openPage(browser);
  try {
    await loadApp(page, server.url);
    // Give late errors (a failed fetch, a panic on the first tick) a moment to surface.
    await page.waitForTimeout(300);
    const violations = await page.evaluate(() => window.__cspViolations);
    assert.deepEqual(violations, [], 'Content-Security-Policy violations');
    assert.deepEqual(problems, [], 'console errors, page errors or failed requests');
  } finally {
    await context.close();
  }
});

test('the app mounts, steps the packet and toggles the theme', async () => {
  const { context, page, problems } = await openPage(browser);
  try {
    await loadApp(page, server.url);
    assert.equal(await page.locator('h1').textContent(), 'packetwalk');
    for (const role of ['banner', 'main', 'navigation']) {
      assert.equal(await page.getByRole(role).count(), 1, `one ${role} landmark`);
    }

    const packet = page.getByTestId('packet');
    const start = await packet.getAttribute('cx');
    await page.getByRole('button', { name: 'Next hop' }).click();
    await page.waitForFunction((cx) => document.querySelector('[data-testid="packet"]').getAttribute('cx') !== cx, start);
    await page.getByRole('button', { name: 'Back one hop' }).click();
    assert.equal(await packet.getAttribute('cx'), start);

    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, 'rgb(15, 19, 24)', 'the dark palette applies');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

for (const colorScheme of SCHEMES) {
  test(`axe finds no serious or critical violations (${colorScheme})`, async () => {
    const { context, page } = await openPage(browser, { colorScheme });
    try {
      await loadApp(page, server.url);
      // The page's CSP forbids inline scripts, so page.addScriptTag({ content }) is
      // blocked; evaluating through the DevTools protocol is not subject to it.
      const axeSource = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const results = await window.axe.run(document, { resultTypes: ['violations'] });
        return results.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          targets: v.nodes.map((n) => n.target.join(' ')),
        }));
      });
      const severe = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(severe, [], JSON.stringify(severe, null, 2));
      if (violations.length > 0) {
        console.log(`axe (${colorScheme}), minor: ${violations.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
      }
    } finally {
      await context.close();
    }
  });
}

test('screenshots at desktop and mobile sizes, light and dark', async () => {
  const dir = join(REPORTS, 'screenshots');
  await mkdir(dir, { recursive: true });
  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    for (const colorScheme of SCHEMES) {
      const { context, page, problems } = await openPage(browser, { viewport, colorScheme });
      try {
        await loadApp(page, server.url);
        await page.screenshot({ path: join(dir, `${name}-${colorScheme}.png`) });
        assert.deepEqual(problems, [], `${name} ${colorScheme}`);
      } finally {
        await context.close();
      }
    }
  }
});

test('time from navigation to the first interactive frame', async () => {
  const runs = 5;
  const samples = [];
  for (let i = 0; i < runs; i++) {
    // A new context each time: a cold cache, as a first visit.
    const { context, page } = await openPage(browser);
    try {
      await loadApp(page, server.url);
      samples.push(
        await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0];
          return {
            ready: window.__packetwalkReady,
            domContentLoaded: nav.domContentLoadedEventEnd,
            load: nav.loadEventEnd,
          };
        }),
      );
    } finally {
      await context.close();
    }
  }
  const median = (key) => {
    const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const ms = (v) => `${v.toFixed(1)} ms`;
  const report = [
    'packetwalk: navigation start to the first frame after the app mounted',
    '(window.__packetwalkReady = performance.now() in a requestAnimationFrame after mount)',
    `release build from dist/, local static server, headless Chromium, cold cache, ${runs} runs`,
    '',
    `ready (median):            ${ms(median('ready'))}`,
    `ready (each run):          ${samples.map((s) => s.ready.toFixed(1)).join(', ')} ms`,
    `DOMContentLoaded (median): ${ms(median('domContentLoaded'))}`,
    `load event (median):       ${ms(median('load'))}`,
    '',
  ].join('\n');
  await mkdir(REPORTS, { recursive: true });
  await writeFile(join(REPORTS, 'timing.txt'), report);
  console.log(report);
  assert.ok(samples.every((s) => s.ready > 0));
});
