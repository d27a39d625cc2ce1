// The map's own deck.gl build (see README.md): the parts rkmap/app/deck_map.js uses, as the global `deck`.
import {Deck, MapView, WebMercatorViewport, Layer, VERSION} from '@deck.gl/core';
import {ScatterplotLayer, IconLayer} from '@deck.gl/layers';
import {DataFilterExtension} from '@deck.gl/extensions';
import {JSONConverter} from '@deck.gl/json';
import {registerLoaders} from '@loaders.gl/core';
import {CSVLoader} from '@loaders.gl/csv';

// The many-events layers fetch their rows as CSV (rkmap/render/deck.py large_event_layers).
registerLoaders([CSVLoader]);

globalThis.deck = {
  VERSION, Deck, MapView, WebMercatorViewport, Layer, JSONConverter,
  ScatterplotLayer, IconLayer, DataFilterExtension,
};
