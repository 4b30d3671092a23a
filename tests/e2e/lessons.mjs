// Every lesson, stepped through to its end by button and by keyboard; what the inspector
// shows at chosen hops; playing; the transcript; a Break-it switch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, loadApp, atHop, position, hopCount, tickTitles, packetField } from './harness.mjs';

export const LESSONS = ['inside-a-pod', 'same-node', 'cross-node-kubenet', 'cross-node-vxlan', 'clusterip', 'nodeport', 'no-endpoints', 'dns', 'egress'];

export function lessonSuite(ctx) {
  test('the lesson list links every lesson', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, ctx.server.url);
      for (const id of LESSONS) {
        assert.equal(await page.getByTestId(`lesson-${id}`).locator('a').getAttribute('href'), `#/${id}/0`);
      }
      await page.getByTestId('lesson-clusterip').locator('a').click();
      await atHop(page, 0);
      assert.equal(await page.getByTestId('lesson').getAttribute('data-lesson'), 'clusterip');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  for (const id of LESSONS) {
    test(`${id}: stepped to its end by button, and back to the start by keyboard`, async () => {
      const { context, page, problems } = await openPage(ctx.browser);
      try {
        await loadApp(page, `${ctx.server.url}#/${id}/0`);
        await atHop(page, 0);
        const n = await hopCount(page);
        assert.ok(n > 5, `${id} has hops`);
        assert.ok(await page.getByTestId('back').isDisabled());
        const next = page.getByTestId('next');
        for (let i = 1; i < n; i++) await next.click();
        await atHop(page, n - 1);
        assert.ok(await next.isDisabled(), 'Next stops at the last hop');
        assert.match(await page.getByTestId('outcome').textContent(), /Done: |The walk ends here: /);
        assert.equal(await page.evaluate(() => location.hash), `#/${id}/${n - 1}`);
        for (let i = 1; i < n; i++) await page.keyboard.press('ArrowLeft');
        await atHop(page, 0);
        for (let i = 1; i < n; i++) await page.keyboard.press('ArrowRight');
        await atHop(page, n - 1);
        await page.keyboard.press('Home');
        await atHop(page, 0);
        await page.keyboard.press('End');
        await atHop(page, n - 1);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }

  test('clusterip: after DNAT the destination is the endpoint, and the reply comes from the Service IP', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, `${ctx.server.url}#/clusterip/0`);
      const titles = await tickTitles(page);
      const dnat = titles.findIndex((t) => / DNAT · /.test(t));
      assert.ok(dnat > 0, 'a DNAT hop');
      await page.getByTestId('timeline').locator('.scrub').fill(String(dnat - 1));
      await atHop(page, dnat - 1);
      assert.equal((await packetField(page, 'l-ip', 'Destination')).value, '10.96.0.20', 'before DNAT: the ClusterIP');
      await page.getByTestId('next').click();
      await atHop(page, dnat);
      const dst = await packetField(page, 'l-ip', 'Destination');
      assert.equal(dst.value, '10.244.0.16', 'after DNAT: the chosen endpoint');
      assert.match(dst.classes, /m-nat/, 'marked as rewritten by NAT');
      await page.getByTestId('show-pane-decision').click();
      assert.match(await page.getByTestId('pane-decision').textContent(), /tcp\s+6 120 SYN_SENT src=10\.244\.0\.10 dst=10\.96\.0\.20/);
      const deliver = titles.findLastIndex((t) => /deliver \(curl\)/.test(t));
      await page.keyboard.press('End');
      await atHop(page, titles.length - 1);
      assert.equal(deliver, titles.length - 1);
      const src = await packetField(page, 'l-ip', 'Source');
      assert.equal(src.value, '10.96.0.20', 'the SYN-ACK curl gets comes from the Service IP');
      assert.match(await page.getByTestId('narration').textContent(), /SYN-ACK/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('cross-node-vxlan: the encapsulated packet carries its inner frame, and the tables show the FDB', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, `${ctx.server.url}#/cross-node-vxlan/0`);
      const encap = (await tickTitles(page)).findIndex((t) => /vxlan encap/.test(t));
      await page.goto(`${ctx.server.url}#/cross-node-vxlan/${encap}`);
      await atHop(page, encap);
      assert.equal((await packetField(page, 'l-ip', 'Destination')).value, '192.168.1.11', 'outer: the other node');
      assert.equal((await packetField(page, 'l-udp', 'Destination port')).value, '8472');
      assert.equal(await page.locator('[data-testid="pane-packet"] .l-vxlan .inner .l-ip').count(), 1, 'the inner IPv4 header, inside VXLAN');
      assert.equal(await page.locator('[data-testid="packet"] .g-vxlan').count(), 1, 'the drawing wraps the packet');
      await page.getByTestId('show-pane-tables').click();
      // The table texts come with the engine, which the page loads after its first frame.
      await page.waitForFunction(() => !/Loading the tables/.test(document.querySelector('[data-testid="terminal"]').textContent));
      const term = await page.getByTestId('terminal').textContent();
      assert.match(term, /root@worker-node-1:~# bridge fdb show/);
      assert.match(term, /dev flannel\.1 dst 192\.168\.1\.11 self permanent/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('space plays and pauses; keys in a form field stay there', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, `${ctx.server.url}#/same-node/0`);
      await page.locator('body').press(' ');
      await page.waitForFunction(() => document.querySelector('[data-testid="position"] .now').textContent !== '#0', null, { timeout: 5000 });
      await page.locator('body').press(' ');
      const paused = await position(page);
      await page.waitForTimeout(1600);
      assert.equal(await position(page), paused, 'paused');
      await page.locator('.speed select').focus();
      await page.keyboard.press('ArrowRight');
      assert.equal(await position(page), paused, 'an arrow in the speed picker does not step');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('the transcript reads the whole lesson and opens a hop', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, `${ctx.server.url}#/inside-a-pod/0`);
      await page.getByTestId('transcript-toggle').click();
      const transcript = page.getByTestId('transcript');
      assert.equal(await transcript.locator('.t-hop').count(), await hopCount(page));
      assert.match(await transcript.textContent(), /pause container/);
      await transcript.locator('[data-hop="5"]').click();
      await atHop(page, 5);
      assert.ok(await transcript.isHidden());
      assert.ok(await page.getByTestId('drawing').isVisible());
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a Break-it switch reruns the lesson: without bridge-nf-call-iptables the ClusterIP reply is not un-NATed', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, `${ctx.server.url}#/clusterip/0`);
      await page.getByTestId('open-break').click();
      const select = page.locator('[data-testid^="switch-net.bridge.bridge-nf-call-iptables"]').first();
      await select.waitFor();
      await select.selectOption('0');
      await page.waitForFunction(() => decodeURIComponent(location.hash).includes('set=net.bridge.bridge-nf-call-iptables=0'));
      await page.waitForFunction(() => !/Loading the engine|Running your change/.test(document.querySelector('[data-testid="engine-status"]').textContent));
      await page.keyboard.press('End');
      const n = await hopCount(page);
      await atHop(page, n - 1);
      assert.match(await page.getByTestId('outcome').textContent(), /The walk ends here: /);
      await page.reload();
      await page.waitForFunction(() => typeof window.__packetwalkReady === 'number');
      await page.waitForFunction((n) => document.querySelector('[data-testid="position"]')?.textContent.includes(` of ${n} hops`), n);
      await atHop(page, n - 1);
      await page.getByTestId('open-break').click();
      assert.equal(await select.inputValue(), '0', 'a reload keeps the switch');
      await page.getByTestId('reset').click();
      await page.waitForFunction(() => !location.hash.includes('set='));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}
