// Deep links: a reload lands on the same hop, back and forward move through steps, a link
// that points nowhere says so and shows the lesson list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, loadApp, atHop } from './harness.mjs';
import { LESSONS } from './lessons.mjs';

export function navigationSuite(ctx) {
  test('a deep link opens its hop, and a reload lands on the same hop', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, `${ctx.server.url}#/clusterip/12`);
      await atHop(page, 12);
      const head = await page.getByTestId('hop-head').textContent();
      assert.match(head, /^#12/);
      assert.equal(await page.title(), 'Calling a ClusterIP Service · packetwalk');
      await page.reload();
      await page.waitForFunction(() => typeof window.__packetwalkReady === 'number');
      await atHop(page, 12);
      assert.equal(await page.getByTestId('hop-head').textContent(), head);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('browser back and forward move through the steps', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, `${ctx.server.url}#/same-node/0`);
      for (let i = 0; i < 3; i++) await page.getByTestId('next').click();
      await atHop(page, 3);
      await page.goBack();
      await atHop(page, 2);
      await page.goBack();
      await atHop(page, 1);
      await page.goForward();
      await atHop(page, 2);
      assert.equal(await page.evaluate(() => location.hash), '#/same-node/2');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  for (const [what, hash, message] of [
    ['an unknown lesson', '#/no-such-lesson/3', /no lesson called “no-such-lesson”/],
    ['a hop out of range', '#/clusterip/999', /there is no hop 999/],
    ['a hop that is not a number', '#/clusterip/abc', /not a hop number/],
  ]) {
    test(`${what} shows a clear message and the lesson list`, async () => {
      const { context, page, problems } = await openPage(ctx.browser);
      try {
        await loadApp(page, ctx.server.url + hash);
        assert.match(await page.getByTestId('notice').textContent(), message);
        assert.equal(await page.getByTestId('lesson-list').locator('.card').count(), LESSONS.length);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
}
