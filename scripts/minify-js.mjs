// Trunk post_build hook: minify the page's JS glue (wasm-bindgen's ES module) with terser.
// Trunk's own minifier stops on this module's `export default` ("Failed to minify JS") and
// leaves it as written; it is part of the first load (README, "The site": the budget).
// Runs before csp-hashes.mjs: the inline loader that imports this file is not changed.
import { minify } from 'terser';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('minify-js: TRUNK_STAGING_DIR is not set (run me as a Trunk hook)');
  process.exit(1);
}
// Only release builds (Trunk sets TRUNK_PROFILE), as Trunk's own `minify = "on_release"`.
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const glue = readdirSync(dir).filter((f) => /^packetwalk-web-[0-9a-f]+\.js$/.test(f));
if (glue.length !== 1) {
  console.error(`minify-js: expected one packetwalk-web-<hash>.js in ${dir}, found ${glue.length}`);
  process.exit(1);
}
const file = join(dir, glue[0]);
const out = await minify(readFileSync(file, 'utf8'), { module: true, compress: { passes: 2 }, mangle: true });
writeFileSync(file, out.code);
