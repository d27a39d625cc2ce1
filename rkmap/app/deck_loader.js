// deck.gl for the page, shared by the preload that starts it first thing
// (rkmap/app/deck_bundles.py) and the map that draws with it (rkmap/app/deck_map.js): reading
// pydeck's JSON, and the warm-up deck. Both run this one module (the same URL,
// so the same instance): the warm-up deck passes from one to the other here.

import { Deck, JSONConverter, MapView, ScatterplotLayer, IconLayer, DataFilterExtension } from "./deck_gl.js";
import { htmlLabelLayer } from "./html_labels.js";
import { svgPathLayer } from "./svg_paths.js";
import { pixelRatio } from "./viewport.js";

// pydeck's JSON to deck.gl props: the classes the map's JSON names, with the
// HTML labels (rkmap/app/html_labels.js) placed in ``roots.labels`` and the SVG lines
// (rkmap/app/svg_paths.js) in ``roots.lines``.
// "@@=" strings become accessor functions (deck.gl's expression parser, no eval).
export function jsonConverter(roots = null) {
  const classes = { MapView, ScatterplotLayer, IconLayer, DataFilterExtension };
  if (roots) {
    classes.HtmlLabelLayer = htmlLabelLayer(roots.labels);
    classes.SvgPathLayer = svgPathLayer(roots.lines);
  }
  return new JSONConverter({ configuration: { classes } });
}

// The deck's props from pydeck's JSON (whose map provider and style the map does not use).
// A layer's inline data (the user's own rows, rkmap/render/user_deck.py) never go through the
// converter, which would read any "@@"-prefixed string in them ("@@=…", "@@#…",
// "@@type") as an expression, constant or class: they are set on the built layer as
// they came, so user text is only ever data. (URL data are fetched, not converted.)
// A layer with a "columnar" prop takes its data from ``columnar`` (rkmap/app/columnar.js):
// binary columns, no text, the tier for the map's ``zoom``; until they have arrived it draws nothing.
export function deckProps(converter, json, columnar = null, zoom = undefined) {
  const data = new Map();
  const layers = (json.layers ?? []).map((layer) => {
    if (layer.columnar) {
      const { columnar: spec, ...rest } = layer;
      data.set(layer.id, columnar?.dataFor(layer.id, spec, zoom ?? json.initialViewState?.zoom) ?? []);
      return { ...rest, data: [] };
    }
    if (!Array.isArray(layer.data)) return layer;
    data.set(layer.id, layer.data);
    return { ...layer, data: [] };
  });
  const { mapProvider, mapStyle, ...props } = converter.convert({ ...json, layers });
  if (data.size && Array.isArray(props.layers)) {
    props.layers = props.layers.map((layer) => (layer && data.has(layer.id) ? layer.clone({ data: data.get(layer.id) }) : layer));
  }
  return props;
}

const WARMUP_CSS_PX = 2; // the warm-up canvas's side on the page
// The warm-up deck: undefined until made, then {holder, deck} until the map takes it (null after).
let warmup;

// Software WebGL builds each layer kind's shader pipeline before the first frame
// that draws it (0.1-0.4 s each, rkmap/render/primitives.py). The warm-up deck draws one
// item of each kind (``json``, from Python) in a tiny, invisible canvas as soon as
// deck.gl has loaded, while the page's first run is still going on; the map then
// takes this deck over (takeWarmDeck), its pipelines built.
function warmUpDeck(json) {
  if (warmup !== undefined || !json) return;
  if (!document.body) {
    // From the page shell's <head> (rkmap/app/server_start.py), before the body exists.
    document.addEventListener("DOMContentLoaded", () => warmUpDeck(json), { once: true });
    return;
  }
  const holder = Object.assign(document.createElement("div"), { className: "deck-map-deck" });
  // Inline: the map's stylesheet comes later. On screen (an off-screen canvas may not be drawn), but unseen.
  holder.style.cssText = `position: fixed; left: 0; top: 0; width: ${WARMUP_CSS_PX}px; height: ${WARMUP_CSS_PX}px; opacity: 0; pointer-events: none;`;
  // The canvas is made at the drawing-buffer size deck.gl will want (luma.gl: CSS size x device
  // pixel ratio, floored). Left to deck.gl, it is made at 300 x 150 and resized at the second
  // frame; a WebGL resize waits for the GPU, which was then compiling the first frame's
  // pipelines: the main thread, and Streamlit's start-up, stood still for ~0.3 s.
  const side = Math.max(1, Math.floor(WARMUP_CSS_PX * pixelRatio()));
  const canvas = Object.assign(document.createElement("canvas"), { width: side, height: side });
  canvas.style.cssText = "position: absolute; left: 0; top: 0; width: 100%; height: 100%;";
  holder.append(canvas);
  document.body.append(holder);
  // Not deck.gl's default canvas id, which names the map's canvas (the map renames it when it takes this one).
  // Not waiting for the page's load event (luma.gl's default), which comes only once
  // Streamlit's modules are in, just when Streamlit's start-up wants the main thread.
  const deck = new Deck({
    ...deckProps(jsonConverter(), JSON.parse(json)),
    id: "deck-map-warmup",
    canvas,
    deviceProps: { waitForPageLoad: false },
    // luma.gl learns whether a texture format is renderable (asked before the icon atlas's
    // mipmaps) by reading glGetError, which waits for the GPU. Asked at the icons' first
    // frame, it waited ~0.2-0.3 s for the pipelines being compiled; asked now, before
    // anything is drawn, it returns at once, and the answer is kept.
    onDeviceInitialized: (device) => device.isTextureFormatRenderable("rgba8unorm"),
    // Hand each warm-up frame to the GPU process as it is drawn. An unseen canvas is never
    // composited, and nothing else would submit its commands: SwiftShader would build the
    // pipelines' draw routines only at the map's first frame (~0.15-0.25 s it then waited on).
    onAfterRender: ({ gl }) => {
      if (warmup) gl?.flush(); // until the map takes the deck over
    },
  });
  warmup = { holder, deck };
  performance.mark("deck-map:warmup-created");
}

// What a preload does once this module (deck.gl with it) has loaded: draw the warm-up deck.
export function preloadDeckGl(json) {
  performance.mark("deck-map:bundles-loaded");
  warmUpDeck(json);
}

// The warm-up deck, once, for the map to draw with (its holder back to the map's own style); null if none.
export function takeWarmDeck() {
  const warm = warmup ?? null;
  warmup = null;
  warm?.holder.removeAttribute("style");
  return warm;
}
