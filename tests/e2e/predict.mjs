// Predict, then reveal: with Predict on, every lesson stops before each of its checkpoints
// and asks the question `packetwalk predict` prints (same hop, same choices, same right
// answer); a right and a wrong answer are each revealed with the verdict and the evidence;
// the score survives a reload (localStorage) and an answered walk is not asked again; the
// keyboard lands on the choices; axe finds nothing serious; screenshots of the prompt and the
// reveal at desktop and phone widths, light and dark, go to reports/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, REPORTS, openPage, loadApp, atHop, axe, hopCount, position } from './harness.mjs';
import { LESSONS } from './lessons.mjs';

const CLI = join(ROOT, 'target', 'debug', 'packetwalk');

/** `packetwalk predict <id>`: [{hop, ask, choices, right}]. */
function expected(id) {
  const out = execFileSync(CLI, ['predict', id], { encoding: 'utf8' });
  const qs = [];
  for (const line of out.split('\n')) {
    const q = line.match(/^#(\d+) (.*)$/);
    if (q) qs.push({ hop: Number(q[1]), ask: q[2], choices: [], right: -1 });
    const c = line.match(/^  ([*-]) (.*)$/);
    if (c) {
      const last = qs[qs.length - 1];
      if (c[1] === '*') last.right = last.choices.length;
      last.choices.push(c[2]);
    }
  }
  return qs;
}

async function settled(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid="engine-status"]')?.textContent ?? '';
    return document.querySelector('[data-testid="engine-status"]') !== null && !/Loading the engine|Running your change/.test(s);
  });
}

/** Turn Predict on and wait for the engine's questions. */
async function predictOn(page) {
  const toggle = page.getByTestId('predict-toggle');
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid="predict"]')?.textContent ?? '';
    return s.length > 0 && !/it is loading/.test(s);
  });
}

/** The question on the card, or null. */
async function asked(page) {
  return page.evaluate(() => {
    const ask = document.querySelector('[data-testid="predict-ask"]');
    if (!ask) return null;
    const choices = [...document.querySelectorAll('[data-testid="predict"] .choice')].map((b) => b.textContent.replace(/^\d/, ''));
    return { ask: ask.textContent, choices };
  });
}

export function predictSuite(ctx) {
  test('every lesson stops before each checkpoint and asks what the CLI says, right and wrong answers revealed', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, `${ctx.server.url}#/`);
      for (const id of LESSONS) {
        const want = expected(id);
        assert.ok(want.length >= 4, `${id}: ${want.length} questions`);
        await page.goto(`${ctx.server.url}#/${id}/0`);
        await page.locator(`main[data-lesson="${id}"]`).waitFor();
        await settled(page);
        await predictOn(page);
        const len = await hopCount(page);
        for (const [k, q] of want.entries()) {
          // End jumps as far as the walk lets it: to just before the next held hop.
          await page.keyboard.press('End');
          await atHop(page, q.hop - 1).catch(async () => assert.fail(`${id}: End stopped at #${await position(page)}, not before #${q.hop}`));
          const got = await asked(page);
          assert.ok(got, `${id}: no question before hop #${q.hop}`);
          assert.equal(got.ask, q.ask, `${id} #${q.hop}`);
          assert.deepEqual(got.choices, q.choices, `${id} #${q.hop}`);
          await page.waitForFunction(() => document.activeElement?.classList.contains('choice'), null, { timeout: 5000 })
            .catch(() => assert.fail(`${id} #${q.hop}: the keyboard is not on the first choice`));
          // Right on even questions, wrong on odd ones.
          const pick = k % 2 === 0 ? q.right : (q.right + 1) % q.choices.length;
          await page.locator('[data-testid="predict"] .choice').nth(pick).click();
          await atHop(page, q.hop);
          const verdict = await page.getByTestId('verdict').textContent();
          if (k % 2 === 0) assert.match(verdict, /^Right: /, `${id} #${q.hop}`);
          else assert.match(verdict, /^Not this time: /, `${id} #${q.hop}`);
          assert.ok(verdict.includes(q.choices[q.right]), `${id} #${q.hop}: ${verdict}`);
          assert.ok(await page.locator('[data-testid="predict"] .why').count(), `${id} #${q.hop}: why`);
        }
        await page.keyboard.press('End');
        await atHop(page, len - 1);
        const rights = Math.ceil(want.length / 2);
        const score = await page.getByTestId('predict-score').textContent();
        assert.ok(score.includes(`${rights} of ${want.length} predicted right`), `${id}: ${score}`);
      }
      // The answers survive a reload: the walk is not asked again.
      await page.goto(`${ctx.server.url}#/clusterip/0`);
      await page.reload();
      await page.locator('main[data-lesson="clusterip"]').waitFor();
      await settled(page);
      await predictOn(page);
      await page.keyboard.press('End');
      await atHop(page, (await hopCount(page)) - 1);
      assert.match(await page.getByTestId('predict-score').textContent(), /3 of 5 predicted right/);
      // Start over asks again.
      await page.getByTestId('predict-again').click();
      await atHop(page, 0);
      await page.keyboard.press('End');
      assert.ok(await asked(page), 'asked again after starting over');
      assert.ok((await position(page)) < (await hopCount(page)) - 1);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('Predict has no serious accessibility problems, and looks right at desktop and phone widths', async () => {
    const source = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
    const dir = join(REPORTS, 'screenshots');
    await mkdir(dir, { recursive: true });
    for (const colorScheme of ['light', 'dark']) {
      for (const [name, viewport] of Object.entries({ desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } })) {
        const { context, page, problems } = await openPage(ctx.browser, { viewport, colorScheme });
        try {
          await loadApp(page, `${ctx.server.url}#/clusterip/20`);
          await settled(page);
          await predictOn(page);
          await page.keyboard.press('End');
          await atHop(page, 25);
          const { severe } = await axe(page, source);
          assert.deepEqual(severe, [], `the question (${name}, ${colorScheme}): ${JSON.stringify(severe, null, 2)}`);
          await page.getByTestId('predict').scrollIntoViewIfNeeded();
          await page.screenshot({ path: join(dir, `${name}-${colorScheme}-predict-ask.png`) });
          await page.locator('[data-testid="predict"] .choice').first().click();
          await atHop(page, 26);
          const after = await axe(page, source);
          assert.deepEqual(after.severe, [], `the reveal (${name}, ${colorScheme}): ${JSON.stringify(after.severe, null, 2)}`);
          await page.getByTestId('predict').scrollIntoViewIfNeeded();
          await page.screenshot({ path: join(dir, `${name}-${colorScheme}-predict-reveal.png`) });
          assert.deepEqual(problems, []);
        } finally {
          await context.close();
        }
      }
    }
  });
}

export function challengeSuite(ctx) {
  test('find the break: the home page lists challenges; one opens broken without saying how, a wrong guess says so, the right one is found and remembered', async () => {
    const { context, page, problems } = await openPage(ctx.browser);
    try {
      await loadApp(page, `${ctx.server.url}#/`);
      const links = await page.locator('[data-testid="challenge-list"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      const lessons = new Set(links.map((h) => h.split('/')[1]));
      assert.ok(lessons.size >= 6, `challenges in ${[...lessons]}`);
      for (const href of links.filter((h) => h.startsWith('#/clusterip/') || h.startsWith('#/cross-node-vxlan/'))) {
        const id = href.split('/')[1];
        await page.goto(`${ctx.server.url}${href}`);
        await page.getByTestId('challenge').waitFor();
        await settled(page);
        assert.match(await page.getByTestId('engine-status').textContent(), /Find the break/);
        assert.ok(!(await page.evaluate(() => location.hash)).includes('net.'), 'the URL names no setting');
        // The switches show the lesson's own values: the break is not given away.
        await page.getByTestId('open-break').click();
        const selected = await page.locator('[data-testid="switches"] select').evaluateAll((s) => s.map((x) => x.selectedIndex));
        assert.ok(selected.every((i) => i === 0), `switch menus: ${selected}`);
        await page.getByTestId('open-break').click();
        // The walk is the break's, as the CLI runs it.
        const right = page.locator('[data-testid="guess"][data-right="1"]');
        const label = await right.textContent();
        const m = label.match(/^(\S+) = (\S+)(?: on (\S+))?$/);
        const setting = m[3] ? `${m[1]}=${m[2]}@${m[3]}` : `${m[1]}=${m[2]}`;
        const cli = JSON.parse(execFileSync(CLI, ['trace', id, '--format', 'json', '--set', setting], { encoding: 'utf8' }));
        await page.waitForFunction((n) => document.querySelector('[data-testid="position"] .of')?.textContent.includes(String(n)), cli.hops.length);
        const wrong = page.locator('[data-testid="guess"][data-right="0"]').first();
        if (await wrong.count()) {
          await wrong.click();
          assert.ok(await page.getByTestId('not-it').first().isVisible());
        }
        await right.click();
        assert.ok(await page.getByTestId('found').isVisible());
        assert.match(await page.getByTestId('found').textContent(), new RegExp(`Found it: ${label.replace(/[.]/g, '\\.')}`));
        const n = href.match(/challenge=(\d+)/)[1];
        assert.equal(await page.evaluate(([id, n]) => localStorage.getItem(`packetwalk.challenge:${id}:${n}`), [id, n]), 'solved');
      }
      const source = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
      const { severe } = await axe(page, source);
      assert.deepEqual(severe, [], JSON.stringify(severe, null, 2));
      assert.deepEqual(problems, []);
      // Screenshots, and axe in the dark theme and at phone width.
      for (const colorScheme of ['light', 'dark']) {
        for (const [name, viewport] of Object.entries({ desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } })) {
          const v = await openPage(ctx.browser, { viewport, colorScheme });
          try {
            await loadApp(v.page, `${ctx.server.url}#/clusterip/0?set=challenge=0`);
            await v.page.getByTestId('challenge').waitFor();
            await settled(v.page);
            await v.page.locator('[data-testid="guess"][data-right="0"]').first().click();
            const bad = await axe(v.page, source);
            assert.deepEqual(bad.severe, [], `${name} ${colorScheme}: ${JSON.stringify(bad.severe, null, 2)}`);
            await v.page.getByTestId('challenge').scrollIntoViewIfNeeded();
            await v.page.screenshot({ path: join(REPORTS, 'screenshots', `${name}-${colorScheme}-challenge.png`) });
            assert.deepEqual(v.problems, []);
          } finally {
            await v.context.close();
          }
        }
      }
    } finally {
      await context.close();
    }
  });
}
