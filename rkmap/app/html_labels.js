// Map labels as HTML text over the canvas: a deck.gl layer that draws nothing in WebGL.
//
// deck.gl's TextLayer draws through two shader pipelines of its own (glyphs and
// their backgrounds), which software WebGL builds before the first frame: about
// 0.45 s of a cold start on a machine without a GPU. Here the browser sets the
// text, in the system's fonts (Japanese spaced by the browser, not a glyph atlas),
// and the layer only moves each label to where Python placed it (rkmap/render/deck.py label_sets) when the view moves.
// The props are TextLayer's (rkmap/render/deck.py label_layer); text is set as
// textContent, never as HTML.

import { Layer } from "./deck_gl.js";
import { fitZoom, viewportKey, withinRanges } from "./viewport.js";

// One value of a prop: an accessor (pydeck's "@@=" expressions become functions)
// or a constant; pydeck's quoted literals ("'start'") lose their quotes.
export function propValue(prop, datum) {
  const value = typeof prop === "function" ? prop(datum) : prop;
  return typeof value === "string" ? value.replace(/^'(.*)'$/s, "$1") : value;
}

export function cssColour([r, g, b, a = 255]) {
  return `rgba(${r}, ${g}, ${b}, ${a / 255})`;
}

// The share of its own size a label moves by, for each anchor and baseline.
const ANCHOR_SHIFT = { start: 0, middle: -50, end: -100 };
const BASELINE_SHIFT = { top: 0, center: -50, bottom: -100 };

// Where each label goes is decided in Python, by the exports' placer (rkmap/render/labels.py via
// rkmap/render/deck.py label_sets), for each of a few map sizes (``placementSizes``): each datum's
// ``placements`` holds, per size, for each of that size's zoom levels, its box's top-left
// corner from its place in pixels, or null where it has no free spot (it is then hidden). Here the
// last zoom at or below the view's is drawn (labels placed for a lower zoom only move apart as the
// view zooms in); below them all, the first.
export function placementIndex(zooms, zoom) {
  let index = zooms.length ? 0 : -1;
  zooms.forEach((z, k) => {
    if (z <= zoom + 1e-6) index = k;
  });
  return index;
}

// Whether rank ``a`` comes before ``b``: the first entry that differs is smaller.
function ranksBefore(a, b) {
  const i = a.findIndex((value, k) => value !== b[k]);
  return i >= 0 && a[i] < b[i];
}

// Which size's placements to draw in a width x height map at ``zoom``: {set, level}, or set -1 (none sent).
// Each size's levels are its first zoom (``starts``) plus the ``steps`` all sizes share.
// The browser fits ``frame`` into its map, so a size's placements, kept inside that size's map, lie
// inside the map the size's fit of the frame covers here: only a size of a shape between the
// frame's and the map's keeps every label inside the map (the frame's own box, the last size, always
// does). Of those, the one whose level at this zoom gave its labels the most room: its map's area at that
// level's zoom, the area its box covers here less the more the level lies below the zoom (a level is
// drawn larger than placed). A measured size's own set wins in its map. A size with no level at or below
// the zoom comes last.
export function placementChoice({ sizes, starts, steps, frame }, width, height, zoom) {
  if (!Array.isArray(sizes) || !sizes.length || !frame) return { set: -1, level: -1 };
  const fit = fitZoom(frame, width, height);
  let best = null;
  sizes.forEach(([w, h], set) => {
    const zooms = steps.map((step) => starts[set] + step);
    const base = fitZoom(frame, w, h);
    const level = placementIndex(zooms, zoom);
    const at = zooms[level];
    const below = at <= zoom + 1e-6;
    const scale = 2 ** (fit - base);
    const overflow = Math.max(0, w * scale - width, h * scale - height);
    // Smaller is better, in order; an overflow of a pixel is the sizes' rounding.
    const rank = [below ? 0 : 1, overflow > 1 ? overflow : 0, below ? -w * h * 4 ** (at - base) : at];
    if (!best || ranksBefore(rank, best.rank)) best = { set, level, rank };
  });
  return { set: best.set, level: best.level };
}

// A leader from a label's place at ``at`` (screen pixels): the placement's ends [.., .., sx, sy, ex, ey]
// from the place, as a line ``length`` long, rotated and moved there (a div one pixel high).
export function leaderLine(at, placed) {
  const [sx, sy, ex, ey] = placed.slice(2, 6);
  const length = Math.hypot(ex - sx, ey - sy);
  const angle = Math.atan2(ey - sy, ex - sx);
  return { length, transform: `translate(${at[0] + sx}px, ${at[1] + sy}px) rotate(${angle}rad)` };
}

// The layer class (it extends deck.gl's Layer); its labels go into ``root``, a box laid over the map's canvas.
export function htmlLabelLayer(root) {
  class HtmlLabelLayer extends Layer {
    initializeState() {
      this.state = { box: Object.assign(document.createElement("div"), { className: "deck-map-labels-layer" }), labels: [] };
      root.append(this.state.box);
    }

    updateState({ props, oldProps, changeFlags }) {
      if (!changeFlags.dataChanged && !changeFlags.propsChanged) return;
      // A slider step changes only the filter's range (DataFilterExtension's props, as rkmap/app/svg_paths.js
      // applies them): show the labels it lets through and place them again.
      const dataChanged = changeFlags.dataChanged || ["getText", "getPosition", "getPixelOffset", "getSize"].some((name) => props[name] !== oldProps[name]);
      if (!dataChanged && this.state.labels.length) {
        this._applyFilter();
        return;
      }
      const { data, getPosition, getText, getSize, getColor, getTextAnchor, getAlignmentBaseline, getPixelOffset,
        fontFamily, fontWeight, background, getBackgroundColor, backgroundPadding } = this.props;
      const [padX, padY] = backgroundPadding;
      this.state.labels = Array.from(Array.isArray(data) ? data : [], (datum) => {
        const span = document.createElement("span");
        const text = String(propValue(getText, datum) ?? "");
        span.textContent = text;
        Object.assign(span.style, {
          fontFamily: propValue(fontFamily),
          fontWeight: String(fontWeight),
          fontSize: `${propValue(getSize, datum)}px`,
          color: cssColour(propValue(getColor, datum)),
          background: background ? cssColour(propValue(getBackgroundColor, datum)) : "none",
          padding: background ? `${padY}px ${padX}px` : "0",
        });
        const shift = [ANCHOR_SHIFT[propValue(getTextAnchor, datum)] ?? -50, BASELINE_SHIFT[propValue(getAlignmentBaseline, datum)] ?? -50];
        // A label placed away from its symbol is joined to it by a leader line (as in the exports), in its ink.
        const leader = Object.assign(document.createElement("div"), { className: "deck-map-label-leader" });
        Object.assign(leader.style, { background: cssColour(propValue(getColor, datum)), visibility: "hidden" });
        // Its two-line form (rkmap/render/deck.py wrapped_label), drawn where the placement says so.
        const wrapped = typeof datum.wrapped === "string" ? datum.wrapped : null;
        return { span, leader, datum, text, wrapped, shown: true, position: propValue(getPosition, datum), placements: datum.placements ?? null, offset: propValue(getPixelOffset, datum) ?? [0, 0], shift };
      });
      // Leaders first: under every label.
      this.state.box.replaceChildren(...this.state.labels.map(({ leader }) => leader), ...this.state.labels.map(({ span }) => span));
      this._applyFilter();
    }

    _applyFilter() {
      const { getFilterValue, filterRange, filterEnabled } = this.props;
      for (const label of this.state.labels) {
        label.shown = !filterEnabled || withinRanges(propValue(getFilterValue, label.datum), filterRange);
      }
      this.state.placedAt = null;
      this.setNeedsRedraw();
    }

    draw() {
      const { viewport } = this.context;
      const at = viewportKey(viewport);
      if (at === this.state.placedAt) return; // a slider step: nothing moved
      this.state.placedAt = at;
      const { placementSizes: sizes, placementStarts: starts, placementSteps: steps, placementFrame: frame } = this.props;
      const { set, level } = placementChoice({ sizes, starts, steps, frame }, viewport.width, viewport.height, viewport.zoom);
      for (const { span, leader, text, wrapped, shown, position, placements, offset: [dx, dy], shift: [sx, sy] } of this.state.labels) {
        const at = viewport.project(position);
        // Placed in Python; a label without placements (none sent) sits at its own offset.
        const corners = set >= 0 && Array.isArray(placements) ? placements[set] : null;
        const placed = Array.isArray(corners) ? corners[level] : null;
        // An odd length ends in the two-line flag: [dx, dy(, leader's four ends), 1].
        const twoLines = Boolean(wrapped) && Array.isArray(placed) && placed.length % 2 === 1 && placed[placed.length - 1] === 1;
        const shownText = twoLines ? wrapped : text;
        if (span.textContent !== shownText) {
          span.textContent = shownText;
          span.style.whiteSpace = twoLines ? "pre" : "";
        }
        const corner = Array.isArray(corners)
          ? placed && [at[0] + placed[0], at[1] + placed[1]]
          : [at[0] + dx + (sx / 100) * span.offsetWidth, at[1] + dy + (sy / 100) * span.offsetHeight];
        // A panned or zoomed map, or one of a shape no size fits, can cut a label: one the edge would cut is hidden.
        const inside = corner && corner[0] >= 0 && corner[1] >= 0
          && corner[0] + span.offsetWidth <= viewport.width && corner[1] + span.offsetHeight <= viewport.height;
        const visible = shown && Boolean(inside);
        span.style.visibility = visible ? "visible" : "hidden";
        if (visible) span.style.transform = `translate(${corner[0]}px, ${corner[1]}px)`;
        const line = visible && placed?.length >= 6 ? leaderLine(at, placed) : null;
        leader.style.visibility = line ? "visible" : "hidden";
        if (line) Object.assign(leader.style, { width: `${line.length}px`, transform: line.transform });
      }
    }

    finalizeState(context) {
      this.state.box.remove();
      super.finalizeState(context);
    }
  }
  HtmlLabelLayer.layerName = "HtmlLabelLayer";
  HtmlLabelLayer.defaultProps = {
    getPosition: { type: "accessor", value: (d) => d.position },
    getText: { type: "accessor", value: (d) => d.text },
    getSize: { type: "accessor", value: 14 },
    getColor: { type: "accessor", value: [0, 0, 0, 255] },
    getTextAnchor: { type: "accessor", value: "middle" },
    getAlignmentBaseline: { type: "accessor", value: "center" },
    getPixelOffset: { type: "accessor", value: [0, 0] },
    getBackgroundColor: { type: "accessor", value: [255, 255, 255, 255] },
    background: false,
    backgroundPadding: { type: "array", value: [0, 0] },
    fontFamily: "sans-serif",
    fontWeight: "normal",
    getFilterValue: { type: "accessor", value: 0 },
    filterRange: { type: "array", value: [] },
    filterEnabled: true,
    placementSizes: { type: "array", value: [] },
    placementStarts: { type: "array", value: [] },
    placementSteps: { type: "array", value: [] },
    placementFrame: { type: "array", value: null },
  };
  return HtmlLabelLayer;
}
