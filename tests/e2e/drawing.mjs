// The drawing a learner can read: at the default zoom ("Readable") every label of every
// lesson renders at least 12 px tall, at desktop and phone widths; "Fit" shows the whole
// cluster inside its frame; a focused drawing pans with the arrow keys (the player keeps
// the hop), and the packet stays in view as it moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, loadApp, atHop, position } from './harness.mjs';
import { LESSONS } from './lessons.mjs';

const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

/** The smallest label's rendered height in CSS pixels (font size × the SVG's scale). */
function smallestLabel(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('svg.drawing');
    const scale = svg.getScreenCTM().a;
    let least = Infinity;
    let which = '';
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < least) [least, which] = [px, t.textContent];
    }
    return { least, which };
  });
}

export function drawingSuite(ctx) {
  test('every label of every lesson is at least 12 px tall, at desktop and phone widths', async () => {
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      const { context, page, problems } = await openPage(ctx.browser, { viewport });
      try {
        for (const id of LESSONS) {
          await loadApp(page, `${ctx.server.url}#/${id}/3`);
          await atHop(page, 3);
          const { least, which } = await smallestLabel(page);
          assert.ok(least >= 11.99, `${id} at ${name}: "${which}" is ${least.toFixed(1)} px`);
        }
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    }
  });

  test('Fit shows the whole cluster in its frame; Readable scrolls it', async () => {
    const { context, page, problems } = await openPage(ctx.browser, { viewport: VIEWPORTS.phone });
    try {
      await loadApp(page, `${ctx.server.url}#/clusterip/0`);
      await atHop(page, 0);
      const fits = () => page.getByTestId('drawing').evaluate((f) => f.scrollWidth <= f.clientWidth + 1);
      assert.equal(await fits(), false, 'two nodes at a readable size are wider than a phone');
      await page.getByTestId('zoom').getByText('Fit').click();
      assert.equal(await fits(), true, 'Fit draws the cluster inside the frame');
      await page.getByTestId('zoom').getByText('Readable').click();
      assert.equal(await fits(), false);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('the arrow keys pan a focused drawing without stepping, and the packet stays in view', async () => {
    const { context, page, problems } = await openPage(ctx.browser, { viewport: VIEWPORTS.phone });
    try {
      await loadApp(page, `${ctx.server.url}#/cross-node-vxlan/0`);
      await atHop(page, 0);
      const frame = page.getByTestId('drawing');
      await frame.evaluate((f) => { f.style.scrollBehavior = 'auto'; f.scrollLeft = 0; });
      await frame.focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => document.querySelector('[data-testid="drawing"]').scrollLeft > 0);
      assert.equal(await position(page), 0, 'the arrows panned; the hop stayed');
      // Jump to the last hop (the reply back in the sending pod) and to a hop on the other
      // node: the packet is inside the frame each time.
      const inView = () => page.evaluate(() => {
        const f = document.querySelector('[data-testid="drawing"]').getBoundingClientRect();
        const p = document.querySelector('[data-testid="packet"]').getBoundingClientRect();
        const x = p.left + p.width / 2;
        const y = p.top + p.height / 2;
        return x >= f.left && x <= f.right && y >= f.top && y <= f.bottom;
      });
      for (const hash of ['#/cross-node-vxlan/30', '#/cross-node-vxlan/12']) {
        await page.evaluate((h) => { location.hash = h; }, hash);
        await atHop(page, Number(hash.split('/').pop()));
        await page.waitForTimeout(900);
        assert.ok(await inView(), `the packet is in view at ${hash}`);
      }
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}
