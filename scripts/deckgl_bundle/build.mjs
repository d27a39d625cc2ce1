// Builds the map component's one module, rkmap/app/deck_map_assets/deck_map.js (the component's
// asset folder), and its licence list:
// the map's ES modules (entry rkmap/app/deck_map.js) with the parts of deck.gl they import
// (rkmap/app/deck_gl.js). Run from the repository's root: `make js` (npm ci, then this).
// An output folder may be given (`node scripts/deckgl_bundle/build.mjs <folder>`):
// tests/app/test_js_bundle.py builds there and compares with the committed files.
import {build} from 'esbuild';
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

const folder = process.argv[2] ?? 'rkmap/app/deck_map_assets';
mkdirSync(folder, {recursive: true});
const out = join(folder, 'deck_map.js');
const result = await build({
  entryPoints: ['rkmap/app/deck_map.js'], bundle: true, minify: true, format: 'esm', target: 'es2020',
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
const text = ['Third-party code in deck_map.js, built by scripts/deckgl_bundle/build.mjs.', ''];
for (const p of list) {
  text.push('='.repeat(72), `${p.name} ${p.version} (${p.license})`, '='.repeat(72), p.text ?? `(no licence file in the package; package.json says ${p.license})`, '');
}
writeFileSync(join(folder, 'deck_map-LICENSES.txt'), text.join('\n'));
console.log(`${out}: ${list.length} packages: ${list.map((p) => `${p.name}@${p.version} ${p.license}`).join(', ')}`);
