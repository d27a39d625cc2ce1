// deck.gl for the map (rkmap/app/deck_map.js): reading pydeck's JSON.

import { JSONConverter, MapView, ScatterplotLayer, IconLayer, DataFilterExtension } from "./deck_gl.js";
import { htmlLabelLayer } from "./html_labels.js";
import { svgPathLayer } from "./svg_paths.js";

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
