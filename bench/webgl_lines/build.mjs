// Benchmark only: the map's bundle with its lines as deck.gl PathLayers
// (bench/webgl_lines/svg_paths.js in place of rkmap/app/svg_paths.js), written to
// rkmap/app/deck_map_assets/deck_map_webgl_lines.js (git-ignored), which the map component
// loads when the benchmark switches "svg_lines" off (rkmap/app/deck_map.py). Run from the repository's root.
import {build} from 'esbuild';
import {resolve} from 'node:path';

const swap = {
  name: 'webgl-lines',
  setup(b) {
    b.onResolve({filter: /\/svg_paths\.js$/}, (args) => (args.importer.endsWith('bench/webgl_lines/svg_paths.js') ? undefined : {path: resolve('bench/webgl_lines/svg_paths.js')}));
  },
};
await build({
  entryPoints: ['rkmap/app/deck_map.js'], bundle: true, minify: true, format: 'esm', target: 'es2020',
  outfile: 'rkmap/app/deck_map_assets/deck_map_webgl_lines.js', legalComments: 'none', logLevel: 'warning', plugins: [swap],
});
