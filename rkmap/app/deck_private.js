// Every use the map makes of deck.gl's private API, in one place.
//
// Checked against deck.gl 9.3.6 (package.json pins it; pydeck 0.9.3 bundles the
// same version). On a deck.gl upgrade, re-read these in @deck.gl/core's deck.ts
// and layer-manager.ts; each use falls back to the public behaviour if the
// private is gone (a browser test would then show the cost: lines that cannot be
// hovered).
// (pydeck's one private, ``Deck._tooltip``, is read in rkmap/app/deck_map.py.)

// The deck's layers, in drawing order (Deck.layerManager is not public API).
export function deckLayers(deck) {
  return deck?.layerManager?.getLayers() ?? [];
}
