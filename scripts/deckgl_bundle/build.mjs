// Builds static/vendor/deckgl-map-<version>.min.js and its licence list (run from this folder: npm ci && npm run build).
import {build} from 'esbuild';
import {readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';

const version = JSON.parse(readFileSync('node_modules/@deck.gl/core/package.json', 'utf8')).version;
const out = `../../static/vendor/deckgl-map-${version}.min.js`;
const result = await build({
  entryPoints: ['entry.js'], bundle: true, minify: true, format: 'iife', target: 'es2020',
  outfile: out, metafile: true, legalComments: 'none', logLevel: 'warning',
});

// Every package with code in the bundle, with its licence and licence text.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g);
  if (!match) continue;
  const root = input.slice(0, input.lastIndexOf(match[match.length - 1]) + match[match.length - 1].length);
  if (packages.has(root)) continue;
  const meta = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const licenceFile = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'license.md'].map((f) => join(root, f)).find((f) => {
    try { readFileSync(f); return true; } catch { return false; }
  });
  packages.set(root, {name: meta.name, version: meta.version, license: meta.license, text: licenceFile ? readFileSync(licenceFile, 'utf8').trim() : null});
}
const list = [...packages.values()].sort((a, b) => a.name.localeCompare(b.name));
const text = [`Third-party code in ${out.split('/').pop()}, built by scripts/deckgl_bundle/build.mjs.`, ''];
for (const p of list) {
  text.push('='.repeat(72), `${p.name} ${p.version} (${p.license})`, '='.repeat(72), p.text ?? `(no licence file in the package; package.json says ${p.license})`, '');
}
writeFileSync(out.replace(/\.min\.js$/, '-LICENSES.txt'), text.join('\n'));
console.log(`${out}: ${list.length} packages: ${list.map((p) => `${p.name}@${p.version} ${p.license}`).join(', ')}`);
