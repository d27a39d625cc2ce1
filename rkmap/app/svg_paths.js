// Map lines (the route legs and the analyst's own) as SVG under the canvas: a
// deck.gl layer that draws nothing in WebGL.
//
// deck.gl's PathLayer is the costliest pipeline for software WebGL to build:
// ≈ 0.5 s of the GPU process's CPU before its first frame, against ≈ 0.25 s for
// the icon and circle layers (bench/README.md). On a 2-CPU machine without a
// GPU that was ≈ 0.3 s of the cold start. A map has a few dozen lines of a few
// hundred points (rkmap/render/_screen_path.py thins them for the frame), which the
// browser strokes at no start-up cost: this layer places them from the deck's
// viewport when it moves, shows the items the as-of filter lets through, and
// finds the line under the pointer for tooltips and clicks (deck.gl's picking
// sees only what it draws).
//
// The props are PathLayer's with its two extensions' (rkmap/render/primitives.py
// path_layer): PathStyleExtension's dashes and DataFilterExtension's filter
// values and ranges, applied here as its shader does (every value within its
// range, ends included). Dashes are in line widths with round ends, as the
// exported image draws them (rkmap/render/image.py).

import { Layer } from "./deck_gl.js";
import { cssColour, propValue } from "./html_labels.js";
import { svgElement } from "./timeline.js";
import { viewportKey, withinRanges } from "./viewport.js";

const HIT_SLOP_PX = 4; // beyond half the line's width, so a thin line can be hovered
const HIGHLIGHT = "rgba(0, 0, 128, 0.5)"; // deck.gl's default highlightColor, [0, 0, 128, 128]
// The props that decide how a line is drawn; a change of any other (the filter's range at a step) only shows or hides lines.
const LINE_PROPS = ["getPath", "getColor", "getWidth", "getDashArray", "capRounded", "jointRounded"];

// Squared distance from (x, y) to the segment a-b.
function segmentDistance2(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const length2 = dx * dx + dy * dy;
  const t = length2 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / length2)) : 0;
  const px = ax + t * dx - x;
  const py = ay + t * dy - y;
  return px * px + py * py;
}

// Dash and gap in pixels; "justified" (PathStyleExtension's dashJustified): the gaps
// stretched so the line starts and ends on a whole dash.
function dashPattern([dash, gap], width, length, justified) {
  if (!(dash > 0) || !(gap > 0)) return null;
  const [dashPx, gapPx] = [dash * width, gap * width];
  if (!justified || length <= dashPx) return [dashPx, gapPx];
  const dashes = Math.max(2, Math.round((length + gapPx) / (dashPx + gapPx)));
  return [dashPx, (length - dashes * dashPx) / (dashes - 1)];
}

// The layer class (it extends deck.gl's Layer); each layer's lines go into an <svg> of its own in ``root``, a box under the map's canvas.
export function svgPathLayer(root) {
  class SvgPathLayer extends Layer {
    initializeState() {
      const svg = svgElement("svg", { class: "deck-map-lines-layer", "data-layer": this.id }, root);
      const highlight = svgElement("path", { class: "deck-map-line-highlight", fill: "none", stroke: HIGHLIGHT });
      this.state = { svg, highlight, lines: [], hovered: -1 };
    }

    updateState({ props, oldProps, changeFlags }) {
      if (changeFlags.dataChanged || changeFlags.updateTriggersChanged || LINE_PROPS.some((name) => props[name] !== oldProps[name])) {
        this._makeLines();
      }
      this.state.svg.style.display = props.visible ? "" : "none";
      this._applyFilter();
    }

    _makeLines() {
      const { data, getPath, getColor, getWidth, getDashArray, capRounded, jointRounded } = this.props;
      this.state.lines = Array.from(Array.isArray(data) ? data : [], (datum) => {
        const width = Number(propValue(getWidth, datum)) || 1;
        const element = svgElement("path", {
          class: "deck-map-line",
          fill: "none",
          stroke: cssColour(propValue(getColor, datum) ?? [0, 0, 0, 255]),
          "stroke-width": width,
          "stroke-linecap": capRounded ? "round" : "butt",
          "stroke-linejoin": jointRounded ? "round" : "miter",
        });
        return { datum, element, width, dash: propValue(getDashArray, datum) ?? [0, 0], path: propValue(getPath, datum) ?? [], points: [], shown: true };
      });
      this.state.svg.replaceChildren(...this.state.lines.map(({ element }) => element), this.state.highlight);
      this.state.placedAt = null;
      this._setHovered(-1);
    }

    _applyFilter() {
      const { getFilterValue, filterRange, filterEnabled } = this.props;
      for (const line of this.state.lines) {
        line.shown = !filterEnabled || withinRanges(propValue(getFilterValue, line.datum), filterRange);
        line.element.style.display = line.shown ? "" : "none";
      }
      if (this.state.hovered >= 0 && !this.state.lines[this.state.hovered]?.shown) this._setHovered(-1);
    }

    draw() {
      const { viewport } = this.context;
      const at = viewportKey(viewport);
      if (at === this.state.placedAt) return; // a slider step: nothing moved
      this.state.placedAt = at;
      for (const line of this.state.lines) {
        line.points = line.path.map((position) => viewport.project(position));
        line.element.setAttribute("d", pathData(line.points));
        const dash = dashPattern(line.dash, line.width, polylineLength(line.points), this.props.dashJustified);
        if (dash) line.element.setAttribute("stroke-dasharray", dash.join(" "));
        else line.element.removeAttribute("stroke-dasharray");
      }
      this._setHovered(this.state.hovered);
    }

    // The topmost shown line within reach of (x, y), canvas pixels: {object, index} or null.
    lineAt(x, y) {
      if (!this.props.pickable || !this.props.visible) return null;
      for (let i = this.state.lines.length - 1; i >= 0; i -= 1) {
        const { shown, points, width, datum } = this.state.lines[i];
        const reach = width / 2 + HIT_SLOP_PX;
        if (!shown) continue;
        for (let k = 1; k < points.length; k += 1) {
          if (segmentDistance2(x, y, points[k - 1], points[k]) <= reach * reach) return { object: datum, index: i };
        }
      }
      return null;
    }

    // deck.gl's autoHighlight: the hovered line drawn over in the highlight colour (-1: none).
    hover(index) {
      this._setHovered(this.props.autoHighlight ? index : -1);
    }

    _setHovered(index) {
      this.state.hovered = index;
      const { highlight } = this.state;
      const line = this.state.lines[index];
      if (!line) {
        highlight.style.display = "none";
        return;
      }
      for (const name of ["d", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-dasharray"]) {
        const value = line.element.getAttribute(name);
        if (value === null) highlight.removeAttribute(name);
        else highlight.setAttribute(name, value);
      }
      highlight.style.display = "";
    }

    finalizeState(context) {
      this.state.svg.remove();
      super.finalizeState(context);
    }
  }
  SvgPathLayer.layerName = "SvgPathLayer";
  SvgPathLayer.defaultProps = {
    getPath: { type: "accessor", value: (d) => d.path },
    getColor: { type: "accessor", value: [0, 0, 0, 255] },
    getWidth: { type: "accessor", value: 1 },
    getDashArray: { type: "accessor", value: [0, 0] },
    getFilterValue: { type: "accessor", value: 0 },
    filterRange: { type: "array", value: [] },
    filterEnabled: true,
    capRounded: false,
    jointRounded: false,
    dashJustified: false,
  };
  return SvgPathLayer;
}

function pathData(points) {
  return points.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join("");
}

function polylineLength(points) {
  let length = 0;
  for (let k = 1; k < points.length; k += 1) length += Math.hypot(points[k][0] - points[k - 1][0], points[k][1] - points[k - 1][1]);
  return length;
}

// The line under (x, y) of the map's SVG layers, topmost first: {layer, object, index} or null.
export function svgLineAt(layers, x, y) {
  for (let i = layers.length - 1; i >= 0; i -= 1) {
    const hit = typeof layers[i].lineAt === "function" ? layers[i].lineAt(x, y) : null;
    if (hit) return { layer: layers[i], ...hit };
  }
  return null;
}
