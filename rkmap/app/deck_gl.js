// The parts of deck.gl the map draws with (the map's own slim build, bundled with
// the map's modules by scripts/deckgl_bundle/build.mjs): core, the two layer types
// and the extension it draws in WebGL, the JSON converter for pydeck's JSON, and
// CSV loading. pydeck's offline bundle, 4.2 MB with every layer type, took the
// browser ≈ 0.6 s to run on the benchmark machine.
import { registerLoaders } from "@loaders.gl/core";
import { CSVLoader } from "@loaders.gl/csv";

// The many-events layers fetch their rows as CSV (rkmap/render/deck.py large_event_layers).
registerLoaders([CSVLoader]);

export { Deck, MapView, WebMercatorViewport, Layer, VERSION } from "@deck.gl/core";
export { ScatterplotLayer, IconLayer } from "@deck.gl/layers";
export { DataFilterExtension } from "@deck.gl/extensions";
export { JSONConverter } from "@deck.gl/json";
