// Trunk post_build hook: put the sha256 of every inline <script> of the built index.html
// into its Content-Security-Policy, in place of {{inline-script-hashes}}.
//
// Trunk injects its loader as an inline module script whose text names the hashed .js and
// .wasm files, so its hash changes with every build and cannot be written by hand. The
// browser hashes the element's text exactly as it stands between the tags.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARKER = '{{inline-script-hashes}}';
const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('csp-hashes: TRUNK_STAGING_DIR is not set (run me as a Trunk hook)');
  process.exit(1);
}
const file = join(dir, 'index.html');
const html = readFileSync(file, 'utf8');

const hashes = [];
for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
  if (/\bsrc\s*=/i.test(attrs)) continue;
  hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
}
if (!html.includes(MARKER)) {
  console.error(`csp-hashes: ${file} has no ${MARKER} in its Content-Security-Policy`);
  process.exit(1);
}
if (hashes.length === 0) {
  console.error(`csp-hashes: ${file} has no inline script: did Trunk stop injecting its loader?`);
  process.exit(1);
}
writeFileSync(file, html.replaceAll(MARKER, hashes.join(' ')));
