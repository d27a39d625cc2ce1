// A session's many own events as binary columns (rkmap/app/user_channel.py): fetched once per
// upload from the server's memory, handed to deck.gl as binary attributes.
//
// A layer of the map's JSON with a "columnar" prop ({url, key, filter, lang}) has no data
// in the JSON: its data are the blob at ``url`` (rkmap/render/user_columns.py pack),
// asked for with the session's ``key`` in a header (the route answers no one else).
// The same data object is given to deck.gl at every slider step, so a step changes only
// the filter range, as for the shipped data's static files. Rows hold no text: a hover
// or click asks the server for that one row's id and tooltip (``row``), which are shown
// as text and never pass through deck.gl's JSON converter.

const KEY_HEADER = "X-Rkmap-Key";
const TYPES = { float32: Float32Array, uint8: Uint8Array, int32: Int32Array, float64: Float64Array };

// The columns of a blob: {length, columns: {name: TypedArray}} (the layout of user_columns.pack).
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
  return { length: header.length, columns };
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
    this.specs = new Map(); // layer id -> its columnar spec (for picking)
  }

  // The layer's data for deck.gl, or null while its blob is still on the way.
  dataFor(layerId, spec) {
    this.specs.set(layerId, spec);
    const blob = this.blobs.get(spec.url);
    if (!blob) {
      this.fetchBlob(spec);
      return null;
    }
    if (!blob.columns) return null;
    const dataKey = `${spec.url}|${spec.filter.join(",")}`;
    let data = this.data.get(dataKey);
    if (!data) {
      const { columns, length } = blob;
      data = {
        length,
        attributes: {
          getPosition: columns.position,
          getFillColor: { value: columns.fill.value, size: 4, normalized: true },
          getFilterValue: { value: filterValues(columns, spec.filter), size: 2 },
        },
      };
      this.data.set(dataKey, data);
    }
    return data;
  }

  fetchBlob(spec) {
    // A new upload has a new URL: drop the previous one's arrays with its entries.
    for (const url of [...this.blobs.keys()]) {
      if (url !== spec.url) this.forget(url);
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
    const spec = info?.layer ? this.specs.get(info.layer.id) : null;
    if (!spec || !(info.index >= 0)) return null;
    const url = `${spec.url}/row/${spec.lang}/${info.index}`;
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
