// Dev helper (not a test): screenshots of the built site.
//   node tests/e2e/shoot.mjs OUT_DIR '#/clusterip/23' [width height scheme] ...
// Prints console problems. Each further argument group repeats: hash width height scheme.
import { startServer, launchBrowser, openPage, loadApp } from './harness.mjs';
import { join } from 'node:path';

const [out, ...rest] = process.argv.slice(2);
const server = await startServer();
const browser = await launchBrowser();
try {
  for (let i = 0; i < rest.length; i += 4) {
    const [hash, w = '1280', h = '800', scheme = 'light'] = rest.slice(i, i + 4);
    const { context, page, problems } = await openPage(browser, { viewport: { width: +w, height: +h }, colorScheme: scheme });
    await loadApp(page, server.url + hash);
    await page.waitForTimeout(700);
    const name = `${hash.replace(/[^a-z0-9]+/gi, '_') || 'home'}-${w}x${h}-${scheme}.png`;
    await page.screenshot({ path: join(out, name), fullPage: process.env.FULL === '1' });
    console.log(name, problems.length ? problems : 'ok');
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
