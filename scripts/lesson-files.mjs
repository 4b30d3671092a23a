// Trunk post_build hook: copy each lesson's file into the site's lessons/. web/build.rs
// writes them beside the profile's binaries (target/wasm32-unknown-unknown/<profile>/
// packetwalk-lessons/<id>.bin) while Trunk builds the page; the page fetches
// lessons/<id>.bin when the lesson opens (web/src/lesson_files.rs).
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('lesson-files: TRUNK_STAGING_DIR is not set (run me as a Trunk hook)');
  process.exit(1);
}
const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(source, 'target');
const profile = process.env.TRUNK_PROFILE === 'release' ? 'release' : 'debug';
const from = join(target, 'wasm32-unknown-unknown', profile, 'packetwalk-lessons');
const files = existsSync(from) ? readdirSync(from).filter((f) => f.endsWith('.bin')) : [];
if (files.length === 0) {
  console.error(`lesson-files: no lesson files in ${from} (web/build.rs writes them)`);
  process.exit(1);
}
const to = join(staging, 'lessons');
mkdirSync(to, { recursive: true });
for (const f of files) copyFileSync(join(from, f), join(to, f));
