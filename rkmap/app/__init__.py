"""Streamlit components of the app, one small function each."""
