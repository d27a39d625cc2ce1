// The map, its as-of slider and the timeline strip under it (see rkmap/app/deck_map.py).
//
// This module is the entry of the map's bundle (scripts/deckgl_bundle/build.mjs):
// with the modules it imports and the map's own deck.gl build (rkmap/app/deck_gl.js), it
// is one file in the component's asset folder, rkmap/app/deck_map_assets/, which
// Streamlit serves and loads as the component's module (rkmap/app/deck_map.py). A slider
// step fills the as-of day into each layer's filter ranges ("asOfRanges") and
// redraws here, in the browser: the layer data stay loaded and no Streamlit
// rerun stands between the key press and the map; the timeline strip under it
// (rkmap/app/timeline.js) follows in the same call. The day is then reported to
// Python, so the count, the open panels and the URL follow.
//
// The basemap rasters are images under the (transparent) canvas, placed from the
// deck's viewport before each frame: a step redraws only the data layers. The
// lines are SVG between the two (rkmap/app/svg_paths.js), the place labels HTML over
// the canvas (rkmap/app/html_labels.js).

import { Deck, VERSION, WebMercatorViewport } from "./deck_gl.js";
import { ColumnarData } from "./columnar.js";
import { deckProps, jsonConverter } from "./deck_loader.js";
import { deckLayers } from "./deck_private.js";
import { takePrefill } from "./prefill.js";
import { svgLineAt } from "./svg_paths.js";
import { Timeline } from "./timeline.js";
import { fitZoom, mercator, pixelRatio, viewportKey } from "./viewport.js";

const maps = new WeakMap();

// A tooltip from a text template ({"text": "{tooltip}"}): each {field} is the object's
// field, shown as text (textContent), never as HTML.
function tooltipFor(template) {
  if (!template?.text) return null;
  return ({ picked, object }) => {
    if (!picked || !object) return null;
    const text = template.text.replace(/{([^{}]+)}/g, (_, field) => String(object[field] ?? ""));
    return text.trim() ? text : null;
  };
}

const TIP_GAP = 14; // px the pointer keeps from the tooltip's edge
const TIP_MARGIN = 4; // px the tooltip keeps from the map's edges

// The centre and zoom that fit a frame's box [west, south, east, north] into width x height px
// (rkmap/render/deck.py's view_state_for, for the map's actual size rather than the default one).
function fitFrame([west, south, east, north], width, height) {
  const [x0, y0] = mercator(west, south);
  const [x1, y1] = mercator(east, north);
  const zoom = fitZoom([west, south, east, north], width, height);
  const x = (x0 + x1) / 2;
  const y = (y0 + y1) / 2;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
  return { longitude: x * 360 - 180, latitude: lat, zoom };
}

function isoDate(day) {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}

// A bound is a number or {"asOf": offset}: the as-of day plus offset.
function resolveRanges(template, day) {
  return template.map((pair) => pair.map((bound) => (typeof bound === "number" ? bound : day + bound.asOf)));
}

function withDay(deckJson, day) {
  return {
    ...deckJson,
    layers: deckJson.layers.map((layer) =>
      layer.asOfRanges ? { ...layer, filterRange: resolveRanges(layer.asOfRanges, day) } : layer,
    ),
  };
}

function withoutDay(deckJson) {
  return JSON.stringify({ ...deckJson, layers: deckJson.layers.map(({ filterRange, ...layer }) => layer) });
}

// The smallest copy of a raster at least as wide as it is shown (or its largest): the
// browser decodes every pixel of an image, and the largest are ~280 MB decoded. A new
// copy replaces the shown one once decoded, so a zoom never blanks the basemap.
function showLevel(raster, shownPx) {
  const level = raster.levels.find(({ width }) => width >= shownPx) ?? raster.levels.at(-1);
  if (!level || level.url === raster.wanted) return;
  raster.wanted = level.url;
  if (!raster.img.getAttribute("src")) {
    raster.img.src = level.url; // nothing shown yet: nothing to keep
    return;
  }
  const next = Object.assign(new Image(), { src: level.url });
  next.decode().catch(() => {}).then(() => {
    if (raster.wanted === level.url) raster.img.src = level.url;
  });
}

class DeckMap {
  // setStateValue / setTriggerValue are set by each call of the component (see below).
  constructor(root) {
    root.innerHTML = "";
    root.deckMap = this; // for the browser tests: the map's viewport and view as deck.gl has them
    this.deckGlVersion = VERSION; // for the browser tests: the deck.gl build the page runs
    this.slider = document.createElement("div");
    this.slider.className = "deck-map-slider";
    this.label = document.createElement("label");
    this.input = document.createElement("input");
    this.input.type = "range";
    this.input.step = "1";
    this.ends = document.createElement("div");
    this.ends.className = "deck-map-ends";
    this.slider.append(this.label, this.input, this.ends);
    this.container = document.createElement("div");
    this.container.className = "deck-map-canvas";
    this.container.tabIndex = 0; // reachable by keyboard (arrow keys pan, +/- zoom); shows a focus outline
    // Our own tooltip rather than deck.gl's: placed on whichever side of the pointer keeps it inside the map.
    this.tip = Object.assign(document.createElement("div"), { className: "deck-map-tooltip", hidden: true });
    this.container.addEventListener("mouseleave", () => this.showTip(null));
    this.minHeight = 420;
    this.onResize = () => {
      this.fitHeight();
      this.deckJson = this.fittedView(this.serverJson, this.frame);
      if (this.day !== null) this.showDay(this.day);
    };
    window.addEventListener("resize", this.onResize);
    // The page above the map settles after the map's first update (widgets, fonts): follow it.
    this.layoutObserver = new ResizeObserver(() => {
      const top = this.container.getBoundingClientRect().top + window.scrollY;
      if (top !== this.top) this.onResize();
    });
    this.layoutObserver.observe(document.body);
    this.basemap = document.createElement("div");
    this.basemap.className = "deck-map-basemap";
    this.lines = document.createElement("div");
    this.lines.className = "deck-map-lines";
    this.labels = document.createElement("div");
    this.labels.className = "deck-map-labels"; // over the canvas, which deck.gl puts between the lines and the labels
    this.container.append(this.basemap, this.lines, this.labels, this.tip);
    this.basemapImages = [];
    this.message = document.createElement("div");
    this.message.className = "deck-map-message";
    root.append(this.slider, this.container, this.message);
    this.timeline = new Timeline(root);
    // The map's day: the slider's, or a day Python sent from outside the data's span (a link's
    // "as of today"), which the slider can only show at its end and must not clamp.
    this.day = null;
    this.input.addEventListener("input", () => {
      this.day = Number(this.input.value);
      this.showDay(this.day);
    });
    // Reported once the step is made (key press, or drag released): one rerun per step.
    this.input.addEventListener("change", () => this.setStateValue("day", Number(this.input.value)));
    this.deck = null;
    this.deckJson = null;
    // A session's many own events, fetched once (rkmap/app/columnar.js): once they arrive, draw again.
    this.columnar = new ColumnarData(() => this.redrawAll());
  }

  // Set the layers again though neither the day nor the deck changed (the user layer's columns arrived, or its tier changed).
  redrawAll() {
    this.drawn = null;
    if (this.day !== null) this.showDay(this.day);
  }

  // The map's zoom as deck.gl has it (undefined before the deck exists: the deck's own initial view then).
  zoom() {
    return this.deck?.getViewports()[0]?.zoom;
  }

  // The map fills the window below its top edge (at least ``minHeight``): it grows with the screen.
  fitHeight() {
    const top = this.container.getBoundingClientRect().top + window.scrollY;
    this.top = top;
    const height = Math.max(this.minHeight, Math.round(window.innerHeight - top - 16));
    if (height !== this.height) {
      this.height = height;
      this.container.style.height = `${height}px`;
    }
  }

  // The server frames the map for its default size; re-fit the frame's box to the map's real size.
  // Kept per camera (the server's view state) and map size: a rerun at the same camera and size
  // never moves a panned map; a new size (the page's layout settling, a resized window) re-frames it.
  // The same object while nothing it depends on changed: showDay then draws nothing new.
  fittedView(deckJson, frame) {
    const server = deckJson?.initialViewState;
    const { clientWidth: width, clientHeight: height } = this.container;
    if (!server || !frame || !width || !height) return deckJson;
    const key = JSON.stringify([server, frame, width, height]);
    if (key !== this.fitKey || deckJson !== this.fitSource) {
      this.fitKey = key;
      this.fitSource = deckJson;
      const nudge = server.pitch || 0; // the camera count's nudge (rkmap/render/deck.py CAMERA_NUDGE)
      const fit = fitFrame(frame, width, height);
      const view = { ...server, longitude: fit.longitude + nudge, latitude: fit.latitude + nudge, zoom: fit.zoom + nudge };
      this.fitted = { ...deckJson, initialViewState: view };
    }
    return this.fitted;
  }

  update(data) {
    takePrefill(data.files); // before the deck and the timeline look for their files
    this.minHeight = data.height;
    this.fitHeight();
    this.input.min = String(data.first);
    this.input.max = String(data.last);
    this.input.setAttribute("aria-label", data.label);
    const span = `${data.first}-${data.last}`;
    if (span !== this.span) {
      this.span = span;
      this.ends.replaceChildren(...[data.first, data.last].map((day) => Object.assign(document.createElement("span"), { textContent: isoDate(day) })));
    }
    this.showBasemap(data.basemap ?? []);
    this.labelText = data.label;
    this.tooltip = data.tooltip ?? null; // a text template: deck.gl shows it as text, never as HTML
    // Python moves the date only when a button, story step or URL does: apply that,
    // but never pull the slider back from under a drag that is still going on.
    if (data.day !== this.lastPythonDay) {
      this.lastPythonDay = data.day;
      this.input.value = String(data.day);
      this.day = data.day;
    }
    if (data.deck !== this.deckText) {
      // After a step, the rerun sends the deck again with that day's filter ranges:
      // the same map, so keep the drawn one.
      this.deckText = data.deck;
      const deckJson = JSON.parse(data.deck);
      const shape = withoutDay(deckJson);
      if (shape !== this.shape) {
        this.shape = shape;
        this.serverJson = deckJson;
      }
    }
    this.frame = data.frame;
    this.deckJson = this.fittedView(this.serverJson, this.frame);
    this.showLabel(this.day);
    this.timeline.update(data.timeline ?? null, this.day);
    try {
      this.showDay(this.day);
    } catch (error) {
      this.message.textContent = `The map could not start: ${error.message}`;
    }
  }

  showBasemap(rasters) {
    const text = JSON.stringify(rasters);
    if (text === this.basemapText) return;
    this.basemapText = text;
    this.basemapImages = rasters.map(({ name, levels, bounds }) => {
      const img = Object.assign(document.createElement("img"), { alt: "", decoding: "async" });
      img.dataset.raster = name;
      img.style.visibility = "hidden"; // until placed: unplaced, it would show at its own size
      return { img, bounds, levels, wanted: null };
    });
    this.basemap.replaceChildren(...this.basemapImages.map(({ img }) => img));
    this.placedAt = null;
    this.placeBasemap(this.deck?.getViewports()[0]);
  }

  // Web Mercator rasters on a north-up map: stretched between their projected corners.
  placeBasemap(viewport) {
    if (!viewport) return;
    const at = viewportKey(viewport);
    if (at === this.placedAt) return; // a slider step: the view did not move
    this.placedAt = at;
    for (const raster of this.basemapImages) {
      const [west, south, east, north] = raster.bounds;
      const [left, top] = viewport.project([west, north]);
      const [right, bottom] = viewport.project([east, south]);
      Object.assign(raster.img.style, { left: `${left}px`, top: `${top}px`, width: `${right - left}px`, height: `${bottom - top}px`, visibility: "visible" });
      showLevel(raster, (right - left) * pixelRatio());
    }
  }

  showLabel(day) {
    this.label.textContent = `${this.labelText}: ${isoDate(day)}`;
    this.input.setAttribute("aria-valuetext", isoDate(day));
  }

  showDay(day) {
    this.showLabel(day);
    this.timeline.show(day);
    if (!this.deckJson) return;
    // A rerun that changed neither the day nor the deck (the usual echo of a step) draws nothing.
    if (this.drawn && this.drawn.day === day && this.drawn.json === this.deckJson) return;
    this.drawn = { day, json: this.deckJson };
    const json = withDay(this.deckJson, day);
    if (!this.deck) {
      this.converter = jsonConverter({ labels: this.labels, lines: this.lines });
      const props = {
        ...deckProps(this.converter, json, this.columnar),
        getTooltip: () => null, // the map shows its own (showTip); deck.gl's hover path stays as with a tooltip
        onHover: (info) => this.onHover(info),
        getCursor: ({ isDragging, isHovering }) => (isDragging ? "grabbing" : isHovering || this.lineHovered ? "pointer" : "grab"),
        onClick: (info) => this.onClick(this.withLine(info)),
        onBeforeRender: () => {
          const viewport = this.deck.getViewports()[0];
          this.placeBasemap(viewport);
          // Zoomed across a level: the user layer's tier for the new zoom (rkmap/app/columnar.js), after this frame.
          if (viewport && this.columnar.tierChanged(viewport.zoom)) requestAnimationFrame(() => this.redrawAll());
        },
      };
      const holder = Object.assign(document.createElement("div"), { className: "deck-map-deck" });
      this.container.insertBefore(holder, this.labels);
      this.deck = new Deck({ ...props, parent: holder });
      // Place the images at once, not at the first frame (which waits for the layers' shaders).
      const { clientWidth: width, clientHeight: height } = this.container;
      if (json.initialViewState && width && height) {
        this.placeBasemap(new WebMercatorViewport({ ...json.initialViewState, width, height }));
      }
      // The id deck.gl gives its canvas elsewhere (and st.pydeck_chart's): tests and the benchmark find it by it.
      this.container.querySelector("canvas")?.setAttribute("id", "deckgl-overlay");
      performance.mark("deck-map:deck-created");
      return;
    }
    // At most one update per frame however fast the slider moves: the first at once,
    // the latest of any that follow within the frame at its end.
    if (this.throttled) {
      this.queued = json;
      return;
    }
    this.deck.setProps(deckProps(this.converter, json, this.columnar, this.zoom()));
    this.throttled = true;
    requestAnimationFrame(() => {
      this.throttled = false;
      if (this.queued) {
        this.deck.setProps(deckProps(this.converter, this.queued, this.columnar, this.zoom()));
        this.queued = null;
      }
    });
  }

  // deck.gl's picking sees only what it draws: where it picks nothing, the SVG line under the pointer, or null.
  lineUnder(info) {
    if (!info || info.object || !this.deck) return null;
    return svgLineAt(deckLayers(this.deck), info.x, info.y);
  }

  // The pick deck.gl made, or else the SVG line's.
  withLine(info) {
    const line = this.lineUnder(info);
    return line ? { ...info, picked: true, ...line } : info;
  }

  // The tooltip sits in a corner of the map away from the pointer, not at it: a box at the
  // pointer covers the very symbols around the one hovered (clusters at Vladivostok, Rajin).
  showTip(text, x = 0, y = 0) {
    if (!text) {
      this.tip.hidden = true;
      return;
    }
    this.tip.textContent = text;
    this.tip.hidden = false;
    const { clientWidth: width, clientHeight: height } = this.container;
    const { offsetWidth: w, offsetHeight: h } = this.tip;
    const left = x < width / 2 ? width - TIP_MARGIN - w : TIP_MARGIN; // the other half from the pointer
    const top = y > TIP_MARGIN + h + TIP_GAP ? TIP_MARGIN : height - TIP_MARGIN - h; // top, unless the pointer is there
    Object.assign(this.tip.style, { left: `${Math.max(TIP_MARGIN, left)}px`, top: `${Math.max(TIP_MARGIN, top)}px` });
  }

  onHover(info) {
    const tooltip = tooltipFor(this.tooltip);
    const row = this.columnar.row(info);
    if (row) {
      // A row of binary columns carries no text: its tooltip comes from the server, shown if the pointer is still there.
      this.hoverIndex = `${info.layer.id}:${info.index}`;
      const at = this.hoverIndex;
      row.then((picked) => {
        if (this.hoverIndex === at) this.showTip(tooltip && picked ? tooltip({ picked: true, object: picked }) : null, info.x, info.y);
      });
    } else {
      this.hoverIndex = null;
      this.showTip(tooltip && info ? tooltip(this.withLine(info)) : null, info?.x, info?.y);
    }
    const line = this.lineUnder(info);
    for (const layer of deckLayers(this.deck)) {
      if (typeof layer.hover === "function") layer.hover(line?.layer === layer ? line.index : -1);
    }
    this.lineHovered = Boolean(line);
  }

  onClick(info) {
    const row = this.columnar.row(info);
    if (row) {
      const layerId = info.layer.id;
      row.then((picked) => {
        if (picked?.id !== undefined) this.setTriggerValue("pick", { layer: layerId, id: String(picked.id), kind: picked.layer ?? null });
      });
      return;
    }
    if (!info || !info.layer || !info.object) return;
    const { id, layer } = info.object;
    if (id === undefined) return;
    this.setTriggerValue("pick", { layer: info.layer.id, id: String(id), kind: layer ?? null });
  }

  destroy() {
    window.removeEventListener("resize", this.onResize);
    this.layoutObserver.disconnect();
    if (this.deck) this.deck.finalize();
    this.deck = null;
  }
}

// Streamlit calls this with each new payload (through the component's stub, which
// imports this module: rkmap/app/deck_map.py). The cleanup it returns ends the map only
// if no later call came since: Streamlit runs the cleanup of a call it has given
// up on (a rerun arrived while the module was still loading) as well as the last.
export default function (component) {
  const { parentElement, data, setStateValue, setTriggerValue } = component;
  let map = maps.get(parentElement);
  if (!map) {
    map = new DeckMap(parentElement.querySelector(".deck-map") ?? parentElement);
    maps.set(parentElement, map);
  }
  const call = (map.calls = (map.calls ?? 0) + 1);
  map.setStateValue = setStateValue;
  map.setTriggerValue = setTriggerValue;
  map.update(data);
  return () => {
    if (map.calls !== call || maps.get(parentElement) !== map) return;
    map.destroy();
    maps.delete(parentElement);
  };
}
