// The page's shell (the inspector's Shell pane): every command the interpreter models,
// typed in the page at a chosen hop, prints exactly what `packetwalk shell` prints for the
// same lesson, namespace and hop; `enter` moves the prompt; ↑ recalls; Tab completes a
// namespace; stepping changes the hop the next command sees; keys typed in it never drive
// the player and Escape leaves it; axe finds nothing serious; screenshots at desktop and
// phone widths, light and dark, go to reports/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, REPORTS, openPage, loadApp, atHop, axe, position, hopWhere } from './harness.mjs';

const CLI = join(ROOT, 'target', 'debug', 'packetwalk');

/** What `packetwalk shell` prints for one line, as the page's terminal shows it: the prompt
 *  and the line, then standard output, then standard error. */
function cli(lesson, netns, hop, line) {
  const r = spawnSync(CLI, ['shell', lesson, '--netns', netns, '--hop', String(hop)], { input: `${line}\n`, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return `root@${netns}:~# ${line}\n${r.stdout}${r.stderr}`;
}

/** Open the Shell pane (a line typed before the engine is ready waits for it). */
async function openShell(page) {
  await page.getByTestId('show-pane-shell').click();
  await page.getByTestId('shell-input').waitFor({ state: 'visible' });
}

/** Type `line` and Enter; the text the terminal added for it. */
async function run(page, line) {
  const input = page.getByTestId('shell-input');
  const before = await page.getByTestId('shell-output').textContent();
  const n = await page.locator('[data-testid="shell-output"] .cmd').count();
  await input.fill(line);
  await input.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="shell-output"] .cmd').length > n, n, { timeout: 15_000 });
  const after = await page.getByTestId('shell-output').textContent();
  return after.slice(before.length);
}

const POD = ['ip addr', 'ip link', 'ip route', 'ip neigh', 'ip route get 10.96.0.20', 'sysctl net.ipv4.ip_forward', 'cat /etc/resolv.conf', 'cat /etc/hosts', 'hostname', 'ip netns list', 'curl http://10.96.0.20/', 'ip netns exec worker-node-1 sysctl net.ipv4.ip_forward'];
const NODE = ['ip addr', 'ip link', 'ip route', 'ip neigh', 'ip route get 10.96.0.20', 'bridge fdb show', 'brctl show', 'iptables-save -t nat', 'conntrack -L', 'sysctl net.ipv4.ip_forward', 'route -n', 'ss -tn'];

export function shellSuite(ctx) {
  test('the shell prints what `packetwalk shell` prints, in the hop\'s namespace and after enter, as of the hop on screen', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      const hop = 12;
      await loadApp(page, `${ctx.server.url}#/clusterip/${hop}`);
      await openShell(page);
      const here = (await page.getByTestId('shell-prompt').textContent()).match(/^root@(.*):~# $/)[1];
      assert.equal(await page.getByTestId('shell-input').getAttribute('aria-label'), `shell in ${here}, as of hop ${hop}`);
      assert.equal(here, 'worker-node-1', 'hop 12 is on the node');
      for (const line of NODE) assert.equal(await run(page, line), cli('clusterip', here, hop, line), line);
      assert.equal(await run(page, 'enter frontend'), cli('clusterip', here, hop, 'enter frontend'));
      assert.equal(await page.getByTestId('shell-prompt').textContent(), 'root@frontend:~# ');
      assert.equal(await page.getByTestId('shell-input').getAttribute('aria-label'), `shell in frontend, as of hop ${hop}`);
      for (const line of POD) assert.equal(await run(page, line), cli('clusterip', 'frontend', hop, line), line);
      // exit leaves for the hop's own namespace.
      await run(page, 'exit');
      assert.equal(await page.getByTestId('shell-prompt').textContent(), `root@${here}:~# `);
      // clear empties the screen.
      await page.getByTestId('shell-input').fill('clear');
      await page.getByTestId('shell-input').press('Enter');
      assert.equal(await page.getByTestId('shell-output').textContent(), '');
      // A pod with a resolver: getent and nslookup ask the lesson's CoreDNS.
      await page.goto(`${ctx.server.url}#/dns/0`);
      await page.waitForSelector('[data-testid="lesson"][data-lesson="dns"]');
      await openShell(page);
      const pod = (await page.getByTestId('shell-prompt').textContent()).match(/^root@(.*):~# $/)[1];
      for (const line of ['getent hosts api-svc.backend', 'nslookup api-svc.backend', 'cat /etc/resolv.conf']) {
        assert.equal(await run(page, line), cli('dns', pod, 0, line), line);
      }
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('↑ recalls, Tab completes a namespace, keys in the shell never step the player, Escape leaves it', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, `${ctx.server.url}#/clusterip/0`);
      await openShell(page);
      const input = page.getByTestId('shell-input');
      await run(page, 'ip route');
      await run(page, 'hostname');
      await input.press('ArrowUp');
      assert.equal(await input.inputValue(), 'hostname');
      await input.press('ArrowUp');
      assert.equal(await input.inputValue(), 'ip route');
      await input.press('ArrowDown');
      await input.press('ArrowDown');
      assert.equal(await input.inputValue(), '');
      // One candidate: filled in with its space; two: the common part, and the list below.
      await input.fill('enter fro');
      await input.press('Tab');
      await page.waitForFunction(() => document.querySelector('[data-testid="shell-input"]').value === 'enter frontend ');
      await input.fill('ip netns exec work');
      await input.press('Tab');
      await page.waitForFunction(() => document.querySelector('[data-testid="shell-input"]').value === 'ip netns exec worker-node-');
      assert.match(await page.getByTestId('shell-output').textContent(), /ip netns exec work\nworker-node-1  worker-node-2\n$/);
      await expectFocus(page, 'shell-input');
      // Arrow keys, space, Home, End typed in the shell stay in it.
      await input.fill('');
      for (const k of ['ArrowRight', 'Space', 'End', 'ArrowRight']) await input.press(k);
      assert.equal(await position(page), 0);
      await input.press('Escape');
      assert.notEqual(await page.evaluate(() => document.activeElement?.dataset?.testid), 'shell-input');
      await page.keyboard.press('ArrowRight');
      await atHop(page, 1);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('stepping changes the hop the next command sees (conntrack before and after DNAT)', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, `${ctx.server.url}#/clusterip/0`);
      const dnat = await hopWhere(page, /DNAT/);
      await page.goto(`${ctx.server.url}#/clusterip/${dnat - 1}`);
      await atHop(page, dnat - 1);
      await openShell(page);
      await run(page, 'enter worker-node-1');
      const before = await run(page, 'conntrack -L');
      assert.equal(before, cli('clusterip', 'worker-node-1', dnat - 1, 'conntrack -L'));
      await page.getByTestId('shell-input').press('Escape');
      await page.keyboard.press('ArrowRight');
      await atHop(page, dnat);
      assert.equal(await page.getByTestId('shell-input').getAttribute('aria-label'), `shell in worker-node-1, as of hop ${dnat}`);
      await page.getByTestId('shell-input').focus();
      const after = await run(page, 'conntrack -L');
      assert.equal(after, cli('clusterip', 'worker-node-1', dnat, 'conntrack -L'));
      assert.notEqual(after, before, 'the DNAT hop wrote a conntrack entry');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('the shell has no serious accessibility problems and fits at desktop and phone widths, light and dark', async () => {
    const source = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
    const dir = join(REPORTS, 'screenshots');
    await mkdir(dir, { recursive: true });
    for (const colorScheme of ['light', 'dark']) {
      for (const [name, viewport] of Object.entries({ desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } })) {
        const { context, page, problems } = await openPage(ctx.browser, { viewport, colorScheme });
        try {
          await loadApp(page, `${ctx.server.url}#/clusterip/12`);
          await openShell(page);
          for (const line of ['ip route', 'iptables-save -t nat', 'ss -tn']) await run(page, line);
          await page.getByTestId('shell-input').fill('ip netns exec work');
          await page.getByTestId('shell-input').press('Tab');
          await page.waitForFunction(() => document.querySelector('[data-testid="shell-input"]').value.endsWith('node-'));
          const { severe } = await axe(page, source);
          assert.deepEqual(severe, [], `${name} ${colorScheme}: ${JSON.stringify(severe, null, 2)}`);
          // Not wider than the screen: the terminal scrolls within itself.
          const box = await page.getByTestId('shell').boundingBox();
          assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `${name}: the shell is ${box.width}px wide at x ${box.x}`);
          const page_w = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(page_w <= viewport.width, `${name}: the page is ${page_w}px wide`);
          await page.getByTestId('shell').scrollIntoViewIfNeeded();
          await page.screenshot({ path: join(dir, `${name}-${colorScheme}-shell.png`) });
          assert.deepEqual(problems, []);
        } finally {
          await context.close();
        }
      }
    }
  });
}

async function expectFocus(page, testid) {
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), testid);
}
