// deck.gl for the map (rkmap/app/deck_map.js): reading pydeck's JSON.

import { JSONConverter, MapView, ScatterplotLayer, IconLayer, DataFilterExtension } from "./deck_gl.js";
import { htmlLabelLayer } from "./html_labels.js";
import { prefilled } from "./prefill.js";
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
// they came, so user text is only ever data. So are a URL's records the server sent with
// the page (rkmap/app/prefill.js); other URL data are fetched, not converted.
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
    const sent = prefilled(layer.data);
    if (sent) {
      data.set(layer.id, sent);
      return { ...layer, data: [] };
    }
    if (!Array.isArray(layer.data)) return layer;
    data.set(layer.id, layer.data);
    return { ...layer, data: [] };
  });
  const { iconCatalogue, ...deck } = json;
  const { mapProvider, mapStyle, ...props } = converter.convert({ ...deck, layers });
  const atlas = iconCatalogue ? iconAtlas(iconCatalogue) : null;
  if ((data.size || atlas) && Array.isArray(props.layers)) {
    props.layers = props.layers.map((layer) => {
      if (!layer) return layer;
      const changes = data.has(layer.id) ? { data: data.get(layer.id) } : {};
      if (atlas && layer instanceof IconLayer) Object.assign(changes, atlas);
      return Object.keys(changes).length ? layer.clone(changes) : layer;
    });
  }
  return props;
}

// The deck's icons (rkmap/render/layer_parts.py icon_catalogue: an SVG path per id in a square of ``px``)
// drawn at once into one canvas, with deck.gl's mapping of it: the icon layers draw as soon as their data
// arrive. Given an icon object per symbol instead, deck.gl loaded each icon's image only once the data had
// arrived, a quarter of a second later on a first visit. The same objects while the catalogue is the same,
// so deck.gl keeps its texture from one rerun to the next.
const ICON_GAP_PX = 4; // between icons: a smaller copy (mipmap) of one never takes in its neighbour
let atlasSource = null; // the catalogue object last drawn: a slider step passes the same one again
let atlasKey = null;
let atlasProps = null;

function iconAtlas(catalogue) {
  if (catalogue === atlasSource) return atlasProps;
  atlasSource = catalogue;
  const key = JSON.stringify(catalogue);
  if (key === atlasKey) return atlasProps;
  const { px, stroke_px: strokePx, icons } = catalogue;
  const ids = Object.keys(icons);
  const cell = px + 2 * ICON_GAP_PX;
  const columns = Math.max(1, Math.ceil(Math.sqrt(ids.length)));
  const canvas = Object.assign(document.createElement("canvas"), { width: columns * cell, height: Math.ceil(ids.length / columns) * cell });
  const context = canvas.getContext("2d");
  const mapping = {};
  ids.forEach((id, index) => {
    const x = (index % columns) * cell + ICON_GAP_PX;
    const y = Math.floor(index / columns) * cell + ICON_GAP_PX;
    const { path, hollow } = icons[id];
    context.save();
    context.translate(x, y);
    // As the SVG it replaces drew it: white, filled, or stroked with SVG's default joins.
    const shape = new Path2D(String(path));
    if (hollow) {
      Object.assign(context, { strokeStyle: "white", lineWidth: strokePx, miterLimit: 4 });
      context.stroke(shape);
    } else {
      context.fillStyle = "white";
      context.fill(shape);
    }
    context.restore();
    mapping[id] = { x, y, width: px, height: px, anchorY: px / 2, mask: true };
  });
  atlasKey = key;
  atlasProps = { iconAtlas: canvas, iconMapping: mapping };
  return atlasProps;
}
