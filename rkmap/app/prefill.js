// Layer files sent with the page (rkmap/app/deck_map.py layer_file_texts): their records, by URL.
//
// On a first visit deck.gl asked for each layer's file only once the deck had made its
// layers, and drew once they had all arrived. The server sends the small files of a
// session's first deck with it instead; the layers take their records from here, and the
// same records object at every rerun, so deck.gl keeps them loaded as it keeps a URL's.
// The server sends a file once per session, and a bounded amount in all.
const records = new Map();

// ``texts``: {url: the file's JSON text}.
export function takePrefill(texts) {
  for (const [url, text] of Object.entries(texts ?? {})) {
    if (!records.has(url)) records.set(url, JSON.parse(text));
  }
}

// The records of a file the server sent, or undefined.
export function prefilled(url) {
  return typeof url === "string" ? records.get(url) : undefined;
}
