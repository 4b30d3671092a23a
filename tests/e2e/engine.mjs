// The engine in the page: it is fetched only after the first interactive frame; every
// Break-it switch of every lesson re-runs the walk live and the walk ends where the CLI's
// `packetwalk trace --set` says; an edit survives a reload through its URL; a broken file
// shows its line. Times from a change of a control to the new walk drawn go to
// reports/timing-engine.txt, the engine module's size to reports/size.txt (size-report.sh).
// "Download .pcapng" gives the walk on screen (as written, switched, edited) byte for byte
// as `packetwalk pcap` writes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, REPORTS, openPage, loadApp, hopCount, axe } from './harness.mjs';

const CLI = join(ROOT, 'target', 'debug', 'packetwalk');

/** What the CLI says of a lesson with settings: the number of hops and the outcome. */
function cli(id, settings) {
  const args = ['trace', id, '--format', 'json'];
  for (const s of settings) args.push('--set', s);
  const out = JSON.parse(execFileSync(CLI, args, { encoding: 'utf8' }));
  return { hops: out.hops.length, outcome: out.outcome };
}

/** The engine answered what the URL asks: the status is neither loading nor running. */
async function settled(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid="engine-status"]')?.textContent ?? '';
    return !/Loading the engine|Running your change/.test(s);
  });
}

/** Open the Break-it panel (it stays open across hash changes within a lesson). */
async function openBreak(page) {
  const tab = page.getByTestId('open-break');
  if ((await tab.getAttribute('aria-expanded')) !== 'true') await tab.click();
}

async function switchesOf(page) {
  await openBreak(page);
  await page.locator('[data-testid="switches"] li').first().waitFor();
  return page.locator('[data-testid="switches"] select').evaluateAll((sels) =>
    sels.map((s) => ({ testid: s.dataset.testid, values: [...s.options].map((o) => o.value) })),
  );
}

/** What `packetwalk pcap <lesson|file> [--set …]` writes to standard output. */
function cliPcap(lesson, settings = []) {
  const args = ['pcap', lesson];
  for (const s of settings) args.push('--set', s);
  return execFileSync(CLI, args, { maxBuffer: 64 << 20 });
}

/** Click (or, with `key`, press Enter on) Download .pcapng; the file's name and bytes. */
async function downloadPcap(page, key = false) {
  const button = page.getByTestId('download-pcap');
  await button.waitFor({ state: 'visible' });
  const waiting = page.waitForEvent('download');
  if (key) {
    await button.focus();
    await page.keyboard.press('Enter');
  } else {
    await button.click();
  }
  const download = await waiting;
  const bytes = await readFile(await download.path());
  await page.waitForFunction(() => document.querySelector('[data-testid="engine-status"]').textContent.startsWith('Downloaded '));
  return { name: download.suggestedFilename(), bytes };
}

const SHB = Buffer.from([0x0a, 0x0d, 0x0d, 0x0a]);

export function engineSuite(ctx) {
  test('Download .pcapng gives the walk on screen as `packetwalk pcap` writes it: every lesson, a switch, an edit', async () => {
    assert.ok(existsSync(CLI), `${CLI} (cargo build --bin packetwalk) is needed to check the files`);
    const { context, page, problems } = await openPage(ctx.browser);
    const dir = await mkdtemp(join(tmpdir(), 'packetwalk-pcap-'));
    try {
      await loadApp(page, `${ctx.server.url}#/`);
      const ids = await page.locator('[data-testid^="lesson-"]').evaluateAll((els) =>
        els.map((e) => e.dataset.testid.replace('lesson-', '')).filter((id) => id !== 'list'),
      );
      assert.ok(ids.length >= 8, `lessons: ${ids}`);
      for (const [i, id] of ids.entries()) {
        await page.goto(`${ctx.server.url}#/${id}/0`);
        await settled(page);
        const { name, bytes } = await downloadPcap(page, i === 0);
        assert.equal(name, `${id}.pcapng`);
        assert.deepEqual(bytes.subarray(0, 4), SHB, `${id}: a pcapng Section Header Block`);
        assert.ok(bytes.equals(cliPcap(id)), `${id}: the page's file is \`packetwalk pcap ${id}\`'s`);
      }
      // A switch: the file follows the walk on screen.
      const sw = (await switchesOf(page))[0];
      const [swName, at] = sw.testid.replace('switch-', '').split('@');
      const setting = at ? `${swName}=${sw.values[1]}@${at}` : `${swName}=${sw.values[1]}`;
      await page.getByTestId(sw.testid).selectOption(sw.values[1]);
      await page.waitForFunction((s) => decodeURIComponent(location.hash).includes(s), setting);
      await settled(page);
      const id = ids[ids.length - 1];
      const switched = await downloadPcap(page);
      assert.ok(switched.bytes.equals(cliPcap(id, [setting])), `${id} ${setting}: the page's file is the CLI's`);
      // An edit (with the switch still on): the CLI runs the same text from a file.
      await page.getByTestId('open-edit').click();
      const editor = page.getByTestId('editor');
      await page.waitForFunction(() => document.querySelector('[data-testid="editor"]').value.includes('[scenario]'));
      const text = (await editor.inputValue()).replace(/^title = ".*"$/m, 'title = "My own capture"');
      await editor.fill(text);
      await page.waitForFunction(() => location.hash.includes('edit='));
      await settled(page);
      const edited = await downloadPcap(page);
      await writeFile(join(dir, `${id}.toml`), text);
      assert.ok(edited.bytes.equals(cliPcap(join(dir, `${id}.toml`), [setting])), `${id}, edited: the page's file is the CLI's`);
      assert.ok(edited.bytes.includes(Buffer.from('My own capture')), 'the edit is in the file');
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'no CSP violation');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the engine is not fetched before the first interactive frame, then loads on idle', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    const requests = [];
    page.on('request', (r) => requests.push({ url: r.url(), at: Date.now() }));
    try {
      await loadApp(page, `${ctx.server.url}#/clusterip/0`);
      const readyAt = Date.now();
      const early = requests.filter((r) => r.url.includes('packetwalk-engine') && r.at < readyAt - 5);
      assert.deepEqual(early.map((r) => r.url), [], 'engine files fetched before the first frame');
      await page.waitForFunction(() => document.querySelector('[data-testid="engine-status"]') !== null);
      await page.waitForRequest((r) => r.url().includes('packetwalk-engine'), { timeout: 5000 });
      await settled(page);
      assert.ok(requests.some((r) => r.url.endsWith('_bg.wasm') && r.url.includes('packetwalk-engine')));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('every Break-it switch of every lesson re-runs live and ends where the CLI says', async () => {
    assert.ok(existsSync(CLI), `${CLI} (cargo build --bin packetwalk) is needed to check the walks`);
    const { context, page, problems } = await openPage(ctx.browser);
    const times = [];
    let checked = 0;
    try {
      await loadApp(page, `${ctx.server.url}#/`);
      const ids = await page.locator('[data-testid^="lesson-"]').evaluateAll((els) =>
        els.map((e) => e.dataset.testid.replace('lesson-', '')).filter((id) => id !== 'list'),
      );
      for (const id of ids) {
        await page.goto(`${ctx.server.url}#/${id}/0`);
        await page.locator(`main[data-lesson="${id}"] [data-testid="switches"] li`).first().waitFor({ state: 'attached' });
        await settled(page);
        const switches = await switchesOf(page);
        for (const sw of switches) {
          for (const value of sw.values.slice(1)) {
            const key = sw.testid.replace('switch-', '');
            const [name, at] = key.split('@');
            const setting = at ? `${name}=${value}@${at}` : `${name}=${value}`;
            const before = page.url();
            const t0 = await page.evaluate(() => performance.now());
            await page.getByTestId(sw.testid).selectOption(value);
            await page.waitForFunction((s) => decodeURIComponent(location.hash).includes(s), setting);
            await settled(page);
            // The new walk is drawn: the position shows its length.
            const want = cli(id, [setting]);
            await page.waitForFunction(
              (n) => document.querySelector('[data-testid="position"]')?.textContent.includes(` of ${n} hops`),
              want.hops,
            );
            const t1 = await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => ok(performance.now()))));
            times.push({ what: `${id} ${setting}`, ms: t1 - t0 });
            assert.equal(await hopCount(page), want.hops, `${id} ${setting}: hops`);
            await page.keyboard.press('End');
            const outcome = await page.getByTestId('outcome').textContent();
            const words = want.outcome.result === 'completed' ? want.outcome.summary : want.outcome.reason;
            assert.ok(outcome.includes(words), `${id} ${setting}: the page says “${outcome}”, the CLI “${words}”`);
            checked++;
            await page.goto(before);
            await settled(page);
            await openBreak(page);
          }
        }
      }
      assert.ok(checked >= 8, `only ${checked} switches were tried`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
    const sorted = times.map((t) => t.ms).sort((a, b) => a - b);
    const p = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    const report = [
      'packetwalk: a Break-it switch changed → the new walk drawn (the next animation frame)',
      'release build from dist/, local static server, headless Chromium; every switch value of every lesson',
      '',
      `runs: ${sorted.length}; median ${p(0.5).toFixed(1)} ms; p95 ${p(0.95).toFixed(1)} ms; max ${sorted[sorted.length - 1].toFixed(1)} ms (budget: 150 ms p95)`,
      '',
      ...times.map((t) => `  ${t.ms.toFixed(1).padStart(7)} ms  ${t.what}`),
      '',
    ];
    await mkdir(REPORTS, { recursive: true });
    await writeFile(join(REPORTS, 'timing-engine.txt'), report.join('\n'));
    console.log(report.slice(0, 4).join('\n'));
  });

  test('an edit re-runs live, a mistake shows its line, and the edit survives a reload', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, `${ctx.server.url}#/same-node/0`);
      await settled(page);
      await page.getByTestId('open-edit').click();
      const editor = page.getByTestId('editor');
      await page.waitForFunction(() => document.querySelector('[data-testid="editor"]').value.includes('[scenario]'));
      const text = await editor.inputValue();
      // A mistake: an address that is not one.
      const broken = text.replace(/ip = "10\.244\.0\.(\d+)"/, 'ip = "10.244.0.999"');
      const line = broken.split('\n').findIndex((l) => l.includes('10.244.0.999')) + 1;
      await editor.fill(broken);
      const error = page.getByTestId('edit-error');
      await error.waitFor({ state: 'visible' });
      assert.match(await error.textContent(), new RegExp(`^edited\\.toml:${line}: `));
      assert.ok(await page.getByTestId('drawing').isVisible(), 'the last walk stays on screen');
      // A good edit: a new title, which the engine runs and the URL carries.
      await editor.fill(text.replace(/^title = ".*"$/m, 'title = "My own cluster"'));
      await error.waitFor({ state: 'hidden' });
      await page.waitForFunction(() => location.hash.includes('edit='));
      await settled(page);
      await page.waitForFunction(() => document.querySelector('[data-testid="engine-status"]').textContent.includes('your edit'));
      await page.reload();
      await page.waitForFunction(() => typeof window.__packetwalkReady === 'number');
      await settled(page);
      await page.getByTestId('open-edit').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="editor"]').value.includes('My own cluster'));
      await page.getByTestId('reset').click();
      await page.waitForFunction(() => !location.hash.includes('edit='));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('Add a node, a pod and a Service write them into the file, which runs and draws them', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, `${ctx.server.url}#/clusterip/0`);
      await settled(page);
      await page.getByTestId('open-edit').click();
      const value = () => page.getByTestId('editor').inputValue();
      await page.waitForFunction(() => document.querySelector('[data-testid="editor"]').value.includes('[scenario]'));
      const wants = { 'add-node': 'name = "worker-node-3"', 'add-pod': 'name = "backend-4"', 'add-service': 'name = "backend-svc-2"' };
      for (const [button, written] of Object.entries(wants)) {
        await page.getByTestId(button).click();
        await page.waitForFunction((w) => document.querySelector('[data-testid="editor"]').value.includes(w), written);
      }
      const text = await value();
      assert.match(text, /\[\[cluster\.nodes\]\]\nname = "worker-node-3"\nip = "192\.168\.1\.12"\npod_cidr = "10\.244\.2\.0\/24"/);
      // The grown file ran: the URL carries it, and the drawing shows the new node.
      await page.waitForFunction(() => location.hash.includes('edit='));
      await settled(page);
      await page.waitForFunction(() => document.querySelector('svg.drawing').textContent.includes('worker-node-3'));
      assert.equal(await page.getByTestId('edit-error').isVisible(), false);
      // A file with a mistake is not grown: the status says why.
      await page.getByTestId('editor').fill(text.replace('ip = "192.168.1.12"', 'ip = "nope"'));
      await page.getByTestId('add-pod').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="engine-status"]').textContent.includes('fix the file first'));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('the workbench panels have no serious accessibility problems, in both themes', async () => {
    const source = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
    for (const colorScheme of ['light', 'dark']) {
      const { context, page } = await openPage(ctx.browser, { colorScheme });
      try {
        await loadApp(page, `${ctx.server.url}#/clusterip/0`);
        await settled(page);
        await switchesOf(page);
        const a = (await axe(page, source)).severe;
        assert.deepEqual(a, [], `${colorScheme}, Break it: ${JSON.stringify(a, null, 1)}`);
        await page.getByTestId('open-edit').click();
        await page.waitForFunction(() => document.querySelector('[data-testid="editor"]').value.length > 0);
        const b = (await axe(page, source)).severe;
        assert.deepEqual(b, [], `${colorScheme}, Edit: ${JSON.stringify(b, null, 1)}`);
      } finally {
        await context.close();
      }
    }
  });
}
