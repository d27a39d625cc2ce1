// The timeline strip under the map (see rkmap/app/timeline.py). Drawn here, so a slider
// step moves its as-of rule and fades the events not yet shown in the same frame
// as the map. Its data do not depend on the date: each file is fetched once.
// Every text is set as text (textContent, SVG <title>): data never become markup.

import { prefilled } from "./prefill.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const DAY_MS = 86400000;
const ROW_PX = 24; // one row per event kind
const TOP_PX = 6;
const AXIS_PX = 22;
const GUTTER_PX = 118; // the kind labels
const RIGHT_PX = 12;
const COUNTS_PX = 150; // height of the monthly-count bars
const HIDDEN_OPACITY = "0.25";
const RULE_COLOUR = "#d00";
const TICK_MONTHS = [1, 3, 6, 12, 24, 60, 120];
const MIN_TICK_PX = 64;
let timelineCount = 0;

function setAttributes(element, attrs) {
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  return element;
}

export function svgElement(tag, attrs, parent) {
  const element = setAttributes(document.createElementNS(SVG_NS, tag), attrs);
  parent?.append(element);
  return element;
}

function withTitle(element, text) {
  svgElement("title", {}, element).textContent = text;
  return element;
}

const timelineFiles = new Map();
// ``url``: a published file's URL, or the data themselves (a session's own events are sent inline, rkmap/app/timeline.py).
function fetchTimelineFile(url) {
  if (typeof url !== "string") return Promise.resolve(url);
  const sent = prefilled(url);
  if (sent) return Promise.resolve(sent);
  if (!timelineFiles.has(url)) {
    timelineFiles.set(
      url,
      fetch(url).then((response) => {
        if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
        return response.json();
      }),
    );
  }
  return timelineFiles.get(url);
}

const monthOfDay = (day) => {
  const date = new Date(day * DAY_MS);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
};
const dayOfMonth = (month) => Date.UTC(Math.floor(month / 12), month % 12, 1) / DAY_MS;
const monthText = (month) => `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}`;

export class Timeline {
  constructor(parent) {
    const id = `deck-map-timeline-${++timelineCount}`;
    this.clipId = `${id}-clip`;
    this.root = Object.assign(document.createElement("div"), { className: "deck-map-timeline" });
    const head = Object.assign(document.createElement("div"), { className: "deck-map-timeline-head" });
    this.title = document.createElement("span");
    this.choice = Object.assign(document.createElement("div"), { className: "deck-map-timeline-window" });
    this.choice.setAttribute("role", "radiogroup");
    this.windowInputs = ["all", "near"].map((value) => {
      const input = Object.assign(document.createElement("input"), { type: "radio", name: id, value, checked: value === "all" });
      input.addEventListener("change", () => {
        this.window = value;
        this.render();
      });
      const label = document.createElement("label");
      label.append(input, document.createElement("span"));
      this.choice.append(label);
      return input;
    });
    head.append(this.title, this.choice);
    this.svg = svgElement("svg", { role: "img" });
    this.root.append(head, this.svg);
    parent.append(this.root);
    this.window = "all";
    this.day = null;
    this.data = null;
    this.marks = [];
    new ResizeObserver(() => this.render()).observe(this.root);
  }

  update(payload, day) {
    this.root.hidden = !payload;
    if (!payload) return;
    const { text } = payload;
    this.title.textContent = payload.marks ? `${text.title}  ◆ = ${text.disclosed}` : text.title;
    this.choice.setAttribute("aria-label", text.window);
    this.windowInputs.forEach((input) => {
      input.nextSibling.textContent = text[input.value];
    });
    this.svg.setAttribute("aria-label", text.title);
    const shape = JSON.stringify({ ...payload, text: null });
    if (shape !== this.shape) {
      this.shape = shape;
      this.payload = payload;
      this.data = null;
      const url = payload.marks ?? payload.counts;
      fetchTimelineFile(url)
        .then((data) => {
          if (this.payload === payload) {
            this.data = data;
            this.render();
          }
        })
        .catch((error) => {
          this.title.textContent = `${text.title}: ${error.message}`;
        });
      this.day = day;
      this.render();
      return;
    }
    this.show(day);
  }

  // A slider step: in the whole-story strip only the rule and the faded marks change.
  show(day) {
    if (day === this.day) return;
    this.day = day;
    if (this.window === "near") this.scheduleRender();
    else this.markDay();
  }

  scheduleRender() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.render();
    });
  }

  domain() {
    const span = this.payload.span;
    if (this.window === "near" || !span.length) return [this.day - this.payload.nearDays, this.day + this.payload.nearDays];
    return span;
  }

  render() {
    this.marks = [];
    this.rule = null;
    const width = this.root.clientWidth;
    if (!this.payload || !this.data || !width || this.day === null) {
      this.svg.replaceChildren();
      return;
    }
    const [first, last] = this.domain();
    const plotWidth = Math.max(width - GUTTER_PX - RIGHT_PX, 1);
    this.x = (day) => GUTTER_PX + ((day - first) / (last - first)) * plotWidth;
    const counts = Boolean(this.payload.counts);
    this.plotBottom = TOP_PX + (counts ? COUNTS_PX : this.payload.kinds.length * ROW_PX);
    const height = this.plotBottom + AXIS_PX;
    setAttributes(this.svg, { width, height, viewBox: `0 0 ${width} ${height}` });
    const defs = svgElement("defs", {});
    svgElement("rect", { x: GUTTER_PX, y: 0, width: plotWidth, height: this.plotBottom }, svgElement("clipPath", { id: this.clipId }, defs));
    const grid = svgElement("g", { class: "grid" });
    const axis = this.drawAxis(first, last, grid);
    const plot = svgElement("g", { "clip-path": `url(#${this.clipId})` });
    const labels = svgElement("g", { class: "labels" });
    if (counts) this.drawCounts(plot, labels);
    else this.drawMarks(plot, labels);
    this.rule = svgElement("line", { class: "as-of", y1: 0, y2: this.plotBottom, stroke: RULE_COLOUR, "stroke-width": 2 }, plot);
    this.svg.replaceChildren(defs, grid, axis, labels, plot);
    this.markDay();
  }

  drawAxis(first, last, grid) {
    const axis = svgElement("g", { class: "axis" });
    const monthPx = (this.x(first + 365.25) - this.x(first)) / 12;
    const step = TICK_MONTHS.find((months) => months * monthPx >= MIN_TICK_PX) ?? TICK_MONTHS.at(-1);
    svgElement("line", { x1: GUTTER_PX, x2: this.x(last), y1: this.plotBottom, y2: this.plotBottom, stroke: "#888" }, axis);
    for (let month = Math.ceil(monthOfDay(first) / step) * step; dayOfMonth(month) <= last; month += step) {
      const x = this.x(dayOfMonth(month));
      if (x < GUTTER_PX) continue;
      svgElement("line", { x1: x, x2: x, y1: 0, y2: this.plotBottom, stroke: "#e6e6e6" }, grid);
      svgElement("line", { x1: x, x2: x, y1: this.plotBottom, y2: this.plotBottom + 4, stroke: "#888" }, axis);
      const label = svgElement("text", { x, y: this.plotBottom + 16, "text-anchor": "middle" }, axis);
      label.textContent = step >= 12 ? String(Math.floor(month / 12)) : monthText(month);
    }
    return axis;
  }

  drawMarks(plot, labels) {
    const { kinds } = this.payload;
    const m = this.data;
    kinds.forEach(([label], row) => {
      const text = svgElement("text", { x: GUTTER_PX - 8, y: TOP_PX + row * ROW_PX + ROW_PX / 2, "text-anchor": "end", "dominant-baseline": "central" }, labels);
      text.textContent = label;
    });
    for (let i = 0; i < m.kind.length; i++) {
      const colour = kinds[m.kind[i]][1];
      const y = TOP_PX + m.kind[i] * ROW_PX + ROW_PX / 2;
      const mark = withTitle(svgElement("g", { class: "event" }, plot), [m.title[i], m.when[i], m.claim[i]].filter(Boolean).join("\n"));
      const x = this.x(m.start[i]);
      svgElement("rect", { x, y: y - 3, width: Math.max(this.x(m.end[i]) - x, 0), height: 6, rx: 2, fill: colour }, mark);
      svgElement("circle", { cx: x, cy: y, r: 4.5, fill: m.contested[i] ? "#fff" : colour, stroke: colour, "stroke-width": 2 }, mark);
      if (m.disclosed[i]) {
        const p = this.x(m.public[i]);
        svgElement("path", { d: `M${p},${y - 5}L${p + 5},${y}L${p},${y + 5}L${p - 5},${y}Z`, fill: "#333" }, mark);
      }
      this.marks.push({ element: mark, opens: m.opens[i], hidden: null });
    }
  }

  drawCounts(plot, labels) {
    const { kinds } = this.payload;
    const { month, kind, events } = this.data;
    const totals = new Map();
    month.forEach((day, i) => totals.set(day, (totals.get(day) ?? 0) + events[i]));
    const most = Math.max(1, ...totals.values());
    const y = (count) => this.plotBottom - (count / most) * COUNTS_PX;
    const stacked = new Map();
    for (let i = 0; i < month.length; i++) {
      const below = stacked.get(month[i]) ?? 0;
      stacked.set(month[i], below + events[i]);
      const left = this.x(month[i]);
      const right = this.x(dayOfMonth(monthOfDay(month[i]) + 1));
      const bar = svgElement("rect", { x: left, y: y(below + events[i]), width: Math.max(right - left - 0.5, 0.5), height: y(below) - y(below + events[i]), fill: kinds[kind[i]][1] }, plot);
      withTitle(bar, `${monthText(monthOfDay(month[i]))} · ${kinds[kind[i]][0]}: ${events[i]}`);
    }
    [[most, y(most)], [0, this.plotBottom]].forEach(([count, at]) => {
      const text = svgElement("text", { x: GUTTER_PX - 8, y: at, "text-anchor": "end", "dominant-baseline": "central" }, labels);
      text.textContent = count.toLocaleString();
    });
  }

  markDay() {
    if (!this.rule) return;
    const x = this.x(this.day);
    setAttributes(this.rule, { x1: x, x2: x, "data-day": this.day });
    for (const mark of this.marks) {
      const hidden = mark.opens > this.day;
      if (hidden !== mark.hidden) {
        mark.hidden = hidden;
        mark.element.style.opacity = hidden ? HIDDEN_OPACITY : "";
      }
    }
  }
}
