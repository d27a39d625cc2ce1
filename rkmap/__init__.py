"""Russia–North Korea relationship map: the sourced dataset, its views, exports and the Streamlit app.

Layers, each importing only those below it (enforced by import-linter, see pyproject.toml):

- ``rkmap.app`` (the Streamlit page) and ``rkmap.cli`` (``python -m rkmap``)
- ``rkmap.render``: the view model, deck.gl specs, images, slides and data exports
- ``rkmap.data``: the shipped files, analysts' own files, PostGIS
- ``rkmap.core``: schema, dates, errors, messages in both languages, style
"""
