"""The app's server: ``streamlit run serve.py`` serves the page in app.py.

Streamlit runs this file as an ASGI app (``st.App``) rather than as a page.
It adds what the server does as it starts (rkmap/app/server_start.py): the
dataset loaded before the first visitor's page runs, the restart hook and the
static cache's clean-up; the route that serves a session's many own
events to that session only, from memory (rkmap/app/user_channel.py); and
Streamlit's frontend files answered from memory (rkmap/app/static_assets.py).
``streamlit run app.py`` serves the same page without them (its user layer
then travels inline in the map's JSON).
"""

import streamlit as st

from rkmap.app.server_start import lifespan
from rkmap.app.static_assets import middleware
from rkmap.app.user_channel import routes

app = st.App("app.py", lifespan=lifespan, routes=routes(), middleware=middleware())
