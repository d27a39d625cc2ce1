// A session's many own events as binary columns (rkmap/app/user_channel.py): fetched once per
// upload from the server's memory, handed to deck.gl as binary attributes; their "happening now"
// halo likewise, once per clock and emphasis.
//
// A layer of the map's JSON with a "columnar" prop ({url, key, filter, lang}) has no data
// in the JSON: its data are the blob at ``url`` (rkmap/render/user_columns.py pack),
// asked for with the session's ``key`` in a header (the route answers no one else).
// The same data object is given to deck.gl at every slider step, so a step changes only
// the filter range, as for the shipped data's static files. Rows hold no text: a hover
// or click asks the server for that one row's id and tooltip (``row``), which are shown
// as text and never pass through deck.gl's JSON converter.
//
// The blob holds the rows grouped per pixel of each zoom level (tiers), then the rows
// themselves (rkmap/render/user_columns.py event_tiers): the map draws the tier of the first
// zoom at or above its own, under a pixel from the single rows and far fewer instances
// (software WebGL pays for each at every frame). A zoom across a level swaps the tier.

const KEY_HEADER = "X-Rkmap-Key";
const TYPES = { float32: Float32Array, uint8: Uint8Array, int32: Int32Array, float64: Float64Array };

// The columns of a blob: {length, tiers, columns: {name: {value: TypedArray, size}}} (the layout of user_columns.pack).
export function unpack(buffer) {
  const view = new DataView(buffer);
  const size = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, size)));
  const start = 4 + size;
  const columns = {};
  for (const [name, spec] of Object.entries(header.columns)) {
    const Type = TYPES[spec.type];
    if (!Type) throw new Error(`unknown column type ${spec.type}`);
    columns[name] = { value: new Type(buffer, start + spec.offset, header.length * spec.size), size: spec.size };
  }
  return { length: header.length, tiers: header.tiers, columns };
}

// The URL of an upload's events, from theirs or from one of their halos' (rkmap/app/user_channel.py routes).
function eventsUrl(url) {
  return url.split("/halo/")[0];
}

// The tier to draw at ``zoom``: the first whose zoom is at or above it, else the single rows (zoom null).
export function tierFor(tiers, zoom) {
  return tiers.find((tier) => tier.zoom !== null && tier.zoom >= zoom) ?? tiers.find((tier) => tier.zoom === null);
}

// One tier's part of a column (a view on the same buffer, no copy).
function part({ value, size }, tier) {
  return { value: value.subarray(tier.start * size, (tier.start + tier.length) * size), size };
}

// The filter values of one clock: each row's pair of day columns, interleaved.
function filterValues(columns, [opens, closes]) {
  const a = columns[opens].value;
  const b = columns[closes].value;
  const out = new Float32Array(a.length * 2);
  for (let i = 0; i < a.length; i += 1) {
    out[2 * i] = a[i];
    out[2 * i + 1] = b[i];
  }
  return out;
}

export class ColumnarData {
  // ``loaded`` is called once a layer's blob has arrived (the map then draws again).
  constructor(loaded) {
    this.loaded = loaded;
    this.blobs = new Map(); // url -> {columns, length} | {pending} | {error}
    this.data = new Map(); // url + clock -> the data object deck.gl keeps
    this.rows = new Map(); // row url -> Promise of {id, layer, tooltip}
    this.specs = new Map(); // layer id -> {spec, rows: the drawn tier's row of each instance} (for picking)
  }

  // The layer's data for deck.gl at ``zoom`` (the same object while the tier and clock are), or null while its blob is on the way.
  dataFor(layerId, spec, zoom) {
    const blob = this.blobs.get(spec.url);
    if (!blob) {
      // A halo is asked for once its events have arrived: they come first.
      const events = eventsUrl(spec.url);
      if (events === spec.url || this.blobs.get(events)?.columns) this.fetchBlob(spec);
      return null;
    }
    if (!blob.columns) return null;
    const tier = tierFor(blob.tiers, zoom ?? 0);
    const dataKey = `${spec.url}|${spec.filter.join(",")}|${tier.zoom}`;
    let data = this.data.get(dataKey);
    if (!data) {
      const columns = Object.fromEntries(Object.entries(blob.columns).map(([name, column]) => [name, part(column, tier)]));
      const attributes = { getPosition: columns.position, getFilterValue: { value: filterValues(columns, spec.filter), size: 2 } };
      // The events' own colours; a halo's blob has none (its layer draws in one colour).
      if (columns.fill) attributes.getFillColor = { value: columns.fill.value, size: 4, normalized: true };
      data = { length: tier.length, attributes, rows: columns.row.value, tier: tier.zoom };
      this.data.set(dataKey, data);
    }
    this.specs.set(layerId, { spec, rows: data.rows, tier: tier.zoom });
    return data;
  }

  // Whether a layer would draw another tier at ``zoom`` than it does (the map then sets its props again).
  tierChanged(zoom) {
    for (const { spec, tier } of this.specs.values()) {
      const blob = this.blobs.get(spec.url);
      if (blob?.tiers && tierFor(blob.tiers, zoom).zoom !== tier) return true;
    }
    return false;
  }

  fetchBlob(spec) {
    // A new upload has a new URL: drop the previous one's arrays with its entries (an upload's halo URLs
    // lie under its own, one per clock and emphasis, and stay while it does).
    const upload = eventsUrl(spec.url);
    for (const url of [...this.blobs.keys()]) {
      if (eventsUrl(url) !== upload) this.forget(url);
    }
    this.blobs.set(spec.url, { pending: true });
    fetch(new URL(spec.url, document.baseURI), { headers: { [KEY_HEADER]: spec.key }, cache: "no-store" })
      .then((response) => {
        if (!response.ok) throw new Error(`${response.status}`);
        return response.arrayBuffer();
      })
      .then((buffer) => {
        if (!this.blobs.has(spec.url)) return; // replaced meanwhile
        this.blobs.set(spec.url, unpack(buffer));
        performance.mark("deck-map:columnar-loaded");
        this.loaded();
      })
      .catch((error) => {
        this.blobs.set(spec.url, { error });
        console.warn(`Your data could not be fetched: ${error.message}`);
      });
  }

  forget(url) {
    this.blobs.delete(url);
    for (const key of [...this.data.keys()]) if (key.startsWith(`${url}|`)) this.data.delete(key);
    for (const key of [...this.rows.keys()]) if (key.startsWith(`${url}/`)) this.rows.delete(key);
  }

  // The picked row of a columnar layer ({id, layer, tooltip}), or null if ``info`` is not one.
  row(info) {
    const drawn = info?.layer ? this.specs.get(info.layer.id) : null;
    if (!drawn || !(info.index >= 0) || info.index >= drawn.rows.length) return null;
    const { spec } = drawn;
    const url = `${spec.url}/row/${spec.lang}/${drawn.rows[info.index]}`;
    let row = this.rows.get(url);
    if (!row) {
      row = fetch(new URL(url, document.baseURI), { headers: { [KEY_HEADER]: spec.key }, cache: "no-store" })
        .then((response) => (response.ok ? response.json() : null))
        .catch(() => null);
      this.rows.set(url, row);
    }
    return row;
  }
}
