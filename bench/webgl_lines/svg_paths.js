// Benchmark only (python -m bench.run --ablate svg_lines): the map's lines drawn by
// deck.gl's PathLayer in WebGL, as they were before rkmap/app/svg_paths.js, so the
// SVG lines can be measured against them. bench/webgl_lines/build.mjs bundles the
// map with this module in place of svg_paths.js; the app never ships it.
import { PathLayer } from "@deck.gl/layers";
import { DataFilterExtension, PathStyleExtension } from "@deck.gl/extensions";

// The layer class the map's JSON names SvgPathLayer: PathLayer with the dash and filter extensions.
export function svgPathLayer() {
  return class WebglPathLayer extends PathLayer {
    constructor(...props) {
      super(...props, { extensions: [new DataFilterExtension({ filterSize: 2 }), new PathStyleExtension({ dash: true })] });
    }
  };
}

// deck.gl picks its own lines: there is no SVG line to find under the pointer.
export function svgLineAt() {
  return null;
}
