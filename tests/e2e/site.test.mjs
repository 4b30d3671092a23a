// End-to-end: the release build in dist/, served by a static server of our own, in
// headless Debian Chromium. Run with `node --test tests/e2e/*.test.mjs` after
// `trunk build --release --offline` (scripts/test.sh does both).
//
// One process, one browser: the suites live in modules next to this file (not named
// *.test.mjs, so node --test runs them only through here, in order, and the timing is not
// measured while another suite loads the machine).
import { before, after } from 'node:test';
import { startServer, launchBrowser } from './harness.mjs';
import { pageSuite } from './page.mjs';
import { lessonSuite } from './lessons.mjs';
import { navigationSuite } from './navigation.mjs';
import { lookSuite } from './look.mjs';
import { engineSuite } from './engine.mjs';
import { predictSuite, challengeSuite } from './predict.mjs';
import { drawingSuite } from './drawing.mjs';
import { shellSuite } from './shell.mjs';

const ctx = {};

before(async () => {
  ctx.server = await startServer();
  ctx.browser = await launchBrowser();
});

after(async () => {
  await ctx.browser?.close();
  await ctx.server?.close();
});

pageSuite(ctx);
lessonSuite(ctx);
navigationSuite(ctx);
lookSuite(ctx);
engineSuite(ctx);
predictSuite(ctx);
challengeSuite(ctx);
drawingSuite(ctx);
shellSuite(ctx);
