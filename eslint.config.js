// eslint on the map component's ES modules (rkmap/app/*.js) and the bundle's build script.
// Run by `make lint-js`, tests/test_js_bundle.py and .ci/run (versions pinned in package.json).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "static/", ".venv/", "out/", "rkmap/app/deck_map_assets/"] },
  js.configs.recommended,
  {
    files: ["rkmap/app/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.browser },
    rules: {
      // The map module sets no globals: what it shares goes through import/export.
      "no-implicit-globals": "error",
      "no-restricted-properties": ["error",
        { object: "window", property: "deck", message: "import from ./deck_gl.js: the bundle sets no globals" }],
      "no-unused-vars": ["error", { ignoreRestSiblings: true }],
      eqeqeq: "error",
      "prefer-const": "error",
      "no-var": "error",
    },
  },
  {
    files: ["scripts/**/*.mjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.node },
  },
];
