"""Headless exports of the map view: `python -m briefing --date YYYY-MM-DD --out FILE`."""
