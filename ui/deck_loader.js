// Loads the deck.gl bundles once per page, shared by the preload that starts
// them first thing (ui/deck_bundles.py) and the map that uses them (ui/deck_map.js).

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.async = false; // fetched in parallel, run in the order inserted
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(script);
  });
}

function loadDeckGl(urls) {
  // Once per page, whichever asks first. In order: the extensions bundle
  // extends the global `deck` that pydeck's bundle defines.
  window.__deckMapBundle ??= Promise.all(urls.map(loadScript)).then(() => {
    performance.mark("deck-map:bundles-loaded");
    if (typeof window.createDeck !== "function" || !window.deck?.DataFilterExtension) {
      throw new Error("the deck.gl bundles did not define createDeck and the extensions");
    }
  });
  return window.__deckMapBundle;
}
