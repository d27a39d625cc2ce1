// What the map's browser-drawn parts (the basemap images in rkmap/app/deck_map.js, the
// labels in rkmap/app/html_labels.js, the lines in rkmap/app/svg_paths.js) share about the viewport.

// What places things on the map from its viewport: the same key, nothing moved.
export function viewportKey(viewport) {
  return [viewport.width, viewport.height, viewport.longitude, viewport.latitude, viewport.zoom].join();
}

// Drawing-buffer pixels per CSS pixel, as luma.gl sizes a canvas.
export function pixelRatio() {
  return window.devicePixelRatio || 1;
}

// Whether a datum's filter values lie in the as-of filter's ranges (DataFilterExtension's test, applied by the
// layers the browser draws itself: SVG lines and HTML labels).
export function withinRanges(values, ranges) {
  if (!Array.isArray(ranges) || !ranges.length) return true;
  const list = Array.isArray(values) ? values : [values];
  return ranges.every(([low, high], i) => list[i] >= low && list[i] <= high);
}

// Web Mercator in units of the world's width, y growing southward (rkmap/render/_screen_path.py's mercator).
export function mercator(lon, lat) {
  const s = Math.sin((Math.max(Math.min(lat, 85), -85) * Math.PI) / 180);
  return [(lon + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
}

// The zoom at which a frame's box [west, south, east, north] just fits width x height px
// (rkmap/render/_screen_path.py frame_zoom).
export function fitZoom([west, south, east, north], width, height) {
  const [x0, y0] = mercator(west, south);
  const [x1, y1] = mercator(east, north);
  return Math.min(Math.log2(width / ((x1 - x0) * 512)), Math.log2(height / (Math.abs(y0 - y1) * 512)));
}
