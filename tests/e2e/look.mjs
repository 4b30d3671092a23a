// What a learner sees: axe-core finds no serious or critical violation on any lesson (light
// and dark, each pane, the transcript), and screenshots at desktop and phone sizes, light
// and dark, go to reports/screenshots/ for review.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, REPORTS, openPage, loadApp, atHop, axe, hopWhere } from './harness.mjs';
import { LESSONS } from './lessons.mjs';

const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

export function lookSuite(ctx) {
  test('axe finds no serious or critical violations on any lesson', async () => {
    const source = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
    const minor = new Set();
    for (const colorScheme of ['light', 'dark']) {
      const { context, page, problems } = await openPage(ctx.browser, { colorScheme });
      try {
        await loadApp(page, ctx.server.url);
        const check = async (where) => {
          const { severe, minor: m } = await axe(page, source);
          m.forEach((v) => minor.add(v));
          assert.deepEqual(severe, [], `${where} (${colorScheme}): ${JSON.stringify(severe, null, 2)}`);
        };
        await check('the lesson list');
        for (const id of LESSONS) {
          await page.goto(`${ctx.server.url}#/${id}/5`);
          await atHop(page, 5);
          for (const pane of ['packet', 'decision', 'tables']) {
            await page.getByTestId(`show-pane-${pane}`).click();
            if (pane === 'tables') {
              await page.waitForFunction(() => !/Loading the tables/.test(document.querySelector('[data-testid="terminal"]').textContent));
            }
            await check(`${id}, ${pane} pane`);
          }
        }
        await page.getByTestId('transcript-toggle').click();
        await check('the transcript');
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    }
    if (minor.size > 0) console.log(`axe, minor: ${[...minor].join(', ')}`);
  });

  test('screenshots at desktop and phone sizes, light and dark', async () => {
    const dir = join(REPORTS, 'screenshots');
    await mkdir(dir, { recursive: true });
    // (name, lesson, the hop to show, the inspector pane)
    const shots = [
      ['lessons', null, null, null],
      ['clusterip-iptables', 'clusterip', / iptables PREROUTING · worker-node-1/, 'decision'],
      ['clusterip-dnat', 'clusterip', / DNAT · /, 'packet'],
      ['vxlan-encap', 'cross-node-vxlan', /vxlan encap/, 'packet'],
      ['kubenet-route', 'cross-node-kubenet', / route · aks-nodepool1-27511634-vmss000000$/, 'decision'],
      ['egress-fabric', 'egress', /fabric route/, 'tables'],
      ['dns-answer', 'dns', /dns answer/, 'packet'],
    ];
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      for (const colorScheme of ['light', 'dark']) {
        const { context, page, problems } = await openPage(ctx.browser, { viewport, colorScheme });
        try {
          for (const [name, lesson, hop, pane] of shots) {
            await loadApp(page, ctx.server.url + (lesson ? `#/${lesson}/0` : ''));
            if (lesson) {
              const i = await hopWhere(page, hop);
              await page.goto(`${ctx.server.url}#/${lesson}/${i}`);
              await atHop(page, i);
            }
            if (pane) await page.getByTestId(`show-pane-${pane}`).click();
            if (pane === 'tables') {
              // The table texts come with the engine, after the first frame.
              await page.waitForFunction(() => !/Loading the tables/.test(document.querySelector('[data-testid="terminal"]').textContent));
            }
            await page.waitForTimeout(600);
            await page.screenshot({ path: join(dir, `${size}-${colorScheme}-${name}.png`), fullPage: size === 'phone' });
          }
          // The workbench: a switch flipped, then the editor.
          await loadApp(page, `${ctx.server.url}#/cross-node-kubenet/0?set=net.ipv4.ip_forward=0@aks-nodepool1-27511634-vmss000000`);
          await page.waitForFunction(() => /Showing/.test(document.querySelector('[data-testid="engine-status"]').textContent));
          await page.getByTestId('open-break').click();
          await page.waitForTimeout(300);
          await page.screenshot({ path: join(dir, `${size}-${colorScheme}-break-it.png`), fullPage: size === 'phone' });
          await page.getByTestId('open-edit').click();
          await page.waitForTimeout(300);
          await page.screenshot({ path: join(dir, `${size}-${colorScheme}-edit.png`), fullPage: size === 'phone' });
          assert.deepEqual(problems, [], `${size} ${colorScheme}`);
        } finally {
          await context.close();
        }
      }
    }
  });
}
