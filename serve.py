"""The app's server: ``streamlit run serve.py`` serves the page in app.py.

Streamlit runs this file as an ASGI app (``st.App``) rather than as a page.
It adds what the server does as it starts (rkmap/app/server_start.py): the
dataset loaded before the first visitor's page runs, the restart hook and the
static cache's clean-up. ``streamlit run app.py`` serves
the same page without them.
"""

import streamlit as st

from rkmap.app.server_start import lifespan

app = st.App("app.py", lifespan=lifespan)
