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
