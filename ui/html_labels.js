// Map labels as HTML text over the canvas: a deck.gl layer that draws nothing in WebGL.
//
// deck.gl's TextLayer draws through two shader pipelines of its own (glyphs and
// their backgrounds), which software WebGL builds before the first frame: about
// 0.45 s of a cold start on a machine without a GPU. Here the browser sets the
// text, in the system's fonts (Japanese spaced by the browser, not a glyph atlas),
// and the layer only places each label from the deck's viewport when it moves.
// The props are TextLayer's (layers/deck.py label_layer); text is set as
// textContent, never as HTML.

// One value of a prop: an accessor (pydeck's "@@=" expressions become functions)
// or a constant; pydeck's quoted literals ("'start'") lose their quotes.
function propValue(prop, datum) {
  const value = typeof prop === "function" ? prop(datum) : prop;
  return typeof value === "string" ? value.replace(/^'(.*)'$/s, "$1") : value;
}

function cssColour([r, g, b, a = 255]) {
  return `rgba(${r}, ${g}, ${b}, ${a / 255})`;
}

// The share of its own size a label moves by, for each anchor and baseline.
const ANCHOR_SHIFT = { start: 0, middle: -50, end: -100 };
const BASELINE_SHIFT = { top: 0, center: -50, bottom: -100 };

// Label placement, the rule of the image exports (layers/labels.py) on screen:
// each label keeps its own side of its place when that spot is free; else it
// tries the other sides; a label that finds no spot free of the labels placed
// before it, the place symbols and the map's edge is hidden rather than drawn
// over them (labels earlier in the data are placed first).
const SIDES = ["right", "left", "above", "below", "above-right", "below-right", "above-left", "below-left"];
const SYMBOL_HALF = 8; // half a place symbol, px
const LABEL_GAP = 12; // layers/style.py LABEL_GAP_PX

function sideBox([x, y], w, h, side, d) {
  const diag = d * 0.72;
  switch (side) {
    case "right": return [x + d, y - h / 2, x + d + w, y + h / 2];
    case "left": return [x - d - w, y - h / 2, x - d, y + h / 2];
    case "above": return [x - w / 2, y - d - h, x + w / 2, y - d];
    case "below": return [x - w / 2, y + d, x + w / 2, y + d + h];
    default: {
      const left = side.endsWith("right") ? x + diag : x - diag - w;
      const top = side.startsWith("above") ? y - diag - h : y + diag;
      return [left, top, left + w, top + h];
    }
  }
}

function boxesOverlap(a, b) {
  return Math.min(a[2], b[2]) - Math.max(a[0], b[0]) > 0.5 && Math.min(a[3], b[3]) - Math.max(a[1], b[1]) > 0.5;
}

function placeLabels(items, width, height) {
  const symbols = items.map(({ at: [x, y] }) => [x - SYMBOL_HALF, y - SYMBOL_HALF, x + SYMBOL_HALF, y + SYMBOL_HALF]);
  const placed = [];
  return items.map(({ at, own, w, h }, index) => {
    const candidates = [own, ...SIDES.map((side) => sideBox(at, w, h, side, SYMBOL_HALF + LABEL_GAP / 2))];
    const free = (box) => box[0] >= 0 && box[1] >= 0 && box[2] <= width && box[3] <= height
      && !placed.some((other) => boxesOverlap(box, other))
      && !symbols.some((symbol, k) => k !== index && boxesOverlap(box, symbol));
    const box = candidates.find(free) ?? null;
    if (box) placed.push(box);
    return box;
  });
}

// The layer class, made once the deck.gl bundle has loaded (it extends deck.Layer);
// its labels go into ``root``, a box laid over the map's canvas.
function htmlLabelLayer(root) {
  class HtmlLabelLayer extends window.deck.Layer {
    initializeState() {
      this.state = { box: Object.assign(document.createElement("div"), { className: "deck-map-labels-layer" }), labels: [] };
      root.append(this.state.box);
    }

    updateState({ props, oldProps, changeFlags }) {
      if (!changeFlags.dataChanged && !changeFlags.propsChanged) return;
      // A slider step changes only the filter's range (DataFilterExtension's props, as ui/svg_paths.js
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
        span.textContent = String(propValue(getText, datum) ?? "");
        Object.assign(span.style, {
          fontFamily: propValue(fontFamily),
          fontWeight: String(fontWeight),
          fontSize: `${propValue(getSize, datum)}px`,
          color: cssColour(propValue(getColor, datum)),
          background: background ? cssColour(propValue(getBackgroundColor, datum)) : "none",
          padding: background ? `${padY}px ${padX}px` : "0",
        });
        const shift = [ANCHOR_SHIFT[propValue(getTextAnchor, datum)] ?? -50, BASELINE_SHIFT[propValue(getAlignmentBaseline, datum)] ?? -50];
        return { span, datum, shown: true, position: propValue(getPosition, datum), offset: propValue(getPixelOffset, datum) ?? [0, 0], shift };
      });
      this.state.box.replaceChildren(...this.state.labels.map(({ span }) => span));
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
      const shownLabels = this.state.labels.filter(({ shown }) => shown);
      const items = shownLabels.map(({ span, position, offset: [dx, dy], shift: [sx, sy] }) => {
        const at = viewport.project(position);
        const w = span.offsetWidth;
        const h = span.offsetHeight;
        const left = at[0] + dx + (sx / 100) * w;
        const top = at[1] + dy + (sy / 100) * h;
        return { at, own: [left, top, left + w, top + h], w, h };
      });
      const boxes = placeLabels(items, viewport.width, viewport.height);
      const boxOf = new Map(shownLabels.map((label, k) => [label, boxes[k]]));
      this.state.labels.forEach((label) => {
        const { span } = label;
        const box = boxOf.get(label) ?? null;
        span.style.visibility = box ? "visible" : "hidden";
        if (box) span.style.transform = `translate(${box[0]}px, ${box[1]}px)`;
      });
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
  };
  return HtmlLabelLayer;
}
