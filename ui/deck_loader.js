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
  // Once per page, whichever asks first; the bundles run in the order given.
  window.__deckMapBundle ??= Promise.all(urls.map(loadScript)).then(() => {
    performance.mark("deck-map:bundles-loaded");
    if (typeof window.deck?.Deck !== "function" || !window.deck?.JSONConverter || !window.deck?.DataFilterExtension) {
      throw new Error("the deck.gl bundle did not define deck.Deck, its JSON converter and the extensions");
    }
  });
  return window.__deckMapBundle;
}
