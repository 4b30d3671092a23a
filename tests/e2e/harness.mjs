// Shared pieces of the end-to-end tests: a tiny static server for dist/, and Debian's
// Chromium driven by playwright-core. Not a test file itself (node --test skips it).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, resolve, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(ROOT, 'dist');
export const REPORTS = join(ROOT, 'reports');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves `dir` on 127.0.0.1 at a free port. Resolves to { url, close() }. */
export async function startServer(dir = DIST) {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`${dir}/index.html is missing: run 'trunk build --release --offline' first`);
  }
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) throw Object.assign(new Error(), { code: 'ENOENT' });
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
    }
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** Debian's Chromium, headless, with the background traffic off (see scripts/setup.sh and README, "Tests"). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    chromiumSandbox: false,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh context and page that record every console error and warning, uncaught page
 * error, failed request and CSP violation into `problems`.
 */
export async function openPage(browser, { viewport = { width: 1280, height: 800 }, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    // A reload or a new page cancels the lesson files the old one was prefetching on idle
    // (web/src/ui/mod.rs): the browser's ERR_ABORTED, not a failure of the site.
    const aborted = req.failure()?.errorText === 'net::ERR_ABORTED' && /\/lessons\/[^/]+\.bin$/.test(req.url());
    if (!aborted) problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  // Init scripts run outside the page's CSP, so this listener is there before anything loads.
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  return { context, page, problems };
}

/** Navigates and waits until the app has painted its first frame. */
export async function loadApp(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
  await page.waitForFunction(() => typeof window.__packetwalkReady === 'number', null, { timeout: 30_000 });
  // A lesson opened in the same document (only the hash changed) may wait for its file.
  await page.waitForFunction(() => !document.querySelector('[data-testid="loading"]'), null, { timeout: 30_000 });
}

/** The hop shown, from the controls (`#12` → 12). */
export async function position(page) {
  const text = await page.getByTestId('position').locator('.now').textContent();
  return Number(text.replace('#', ''));
}

/** The number of hops in the walk shown. */
export async function hopCount(page) {
  const text = await page.getByTestId('position').locator('.of').textContent();
  return Number(text.match(/\d+/)[0]);
}

/** Waits until the controls show hop `n`. */
export async function atHop(page, n) {
  await page.waitForFunction((n) => document.querySelector('[data-testid="position"] .now')?.textContent === `#${n}`, n, { timeout: 10_000 });
}

/** Each hop's title on the timeline (`#23 DNAT · worker-node-1`). */
export async function tickTitles(page) {
  return page.locator('[data-testid="timeline"] .tick').evaluateAll((ticks) => ticks.map((t) => t.getAttribute('title')));
}

/** A field of the Packet pane: the value shown for `field` in the header `layer` (class
 *  `l-ip`, `l-eth`, …), the first such header (outer one for VXLAN), and its mark. */
export async function packetField(page, layer, field) {
  await page.getByTestId('show-pane-packet').click();
  return page.evaluate(
    ([layer, field]) => {
      const pane = document.querySelector('[data-testid="pane-packet"]');
      const header = pane?.querySelector(`.layer.${layer}`);
      const row = [...(header?.querySelectorAll(':scope > dl > .field') ?? [])].find((f) => f.querySelector('dt')?.textContent === field);
      return row ? { value: row.querySelector('dd code').textContent, classes: row.className } : null;
    },
    [layer, field],
  );
}

/** Runs axe-core in the page; the serious and critical violations, and the rest's ids. */
export async function axe(page, axeSource) {
  // The page's CSP forbids inline scripts, so page.addScriptTag({ content }) is blocked;
  // evaluating through the DevTools protocol is not subject to it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return {
    severe: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    minor: violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical').map((v) => `${v.id} (${v.impact})`),
  };
}

/** The first hop whose timeline title matches `pattern`, in the lesson shown. */
export async function hopWhere(page, pattern) {
  const i = (await tickTitles(page)).findIndex((t) => pattern.test(t));
  if (i < 0) throw new Error(`no hop matches ${pattern}`);
  return i;
}
