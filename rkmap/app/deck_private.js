// Every use the map makes of deck.gl's private API, in one place.
//
// Checked against deck.gl 9.3.6 (package.json pins it; pydeck 0.9.3 bundles the
// same version). On a deck.gl upgrade, re-read these in @deck.gl/core's deck.ts
// and layer-manager.ts; each use falls back to the public behaviour if the
// private is gone (a browser test would then show the cost: a frame drawn at the
// warm-up canvas's size, or lines that cannot be hovered).
// (pydeck's one private, ``Deck._tooltip``, is read in rkmap/app/deck_map.py.)

import { pixelRatio } from "./viewport.js";

// The deck's layers, in drawing order (Deck.layerManager is not public API).
export function deckLayers(deck) {
  return deck?.layerManager?.getLayers() ?? [];
}

// The warm-up deck's canvas was 2 px. deck.gl learns a canvas's new size from a
// resize observer, which reports after the next frame: that frame would be drawn
// (and its software-WebGL read-back paid for) at the old size. Tell it now, as
// deck.gl 9.3's Deck._onCanvasContextResize does on the observer's report.
export function sizeFromCanvas(deck) {
  const context = deck.device?.getDefaultCanvasContext?.();
  const canvas = context?.htmlCanvas;
  const { clientWidth: width, clientHeight: height } = canvas ?? {};
  if (!width || !height || typeof deck._onCanvasContextResize !== "function") return; // the observer will
  const ratio = pixelRatio();
  context.cssWidth = width;
  context.cssHeight = height;
  context.setDrawingBufferSize(width * ratio, height * ratio);
  deck._onCanvasContextResize(context);
}
