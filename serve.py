"""The app's server: ``streamlit run serve.py`` serves the page in app.py.

Streamlit runs this file as an ASGI app (``st.App``) rather than as a page.
It adds what the first visitor would otherwise wait for (rkmap/app/server_start.py):
the dataset loaded as the server starts, and deck.gl started from the HTML
page before Streamlit's own code has loaded. ``streamlit run app.py`` serves
the same page without them.
"""

import streamlit as st

from rkmap.app.server_start import lifespan, middleware

app = st.App("app.py", lifespan=lifespan, middleware=middleware())
