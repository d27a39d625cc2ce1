"""The legend beside the map, drawn from the shared style entries."""

from __future__ import annotations

import html

import streamlit as st

from rkmap.core import style
from rkmap.core.memo import memo
from rkmap.core.messages import t
from rkmap.core.style import LegendEntry
from rkmap.data import Dataset
from rkmap.data.user_data import has_user_data


def legend_entries(dataset: Dataset, layers: frozenset[str]) -> list[LegendEntry]:
    """Entries for what the map can show: the kinds in the data of the enabled layers."""
    entries: list[LegendEntry] = []
    if "places" in layers:
        entries += style.place_legend(list(dataset.places.loc[~dataset.places["is_area"], "kind"].unique()))
    if "route" in layers:
        entries += style.route_legend(list(dataset.route_legs["mode"].unique()))
        if (dataset.route_legs["schematic_head_vertices"] >= 2).any():
            entries.append(style.SCHEMATIC_LEGEND)  # the grey dotted connector into Dunai, as the exports list it
    if "events" in layers:
        # Once per dataset: a scan of a million events' kinds on every slider step costs ~10 ms.
        entries += style.event_legend(memo(dataset, "event-kinds", lambda: list(dataset.events["kind"].unique())))
        entries.append(style.AREA_LEGEND)
    entries += [*style.CLAIM_LEGEND, style.EMPHASIS_LEGEND]
    if has_user_data(dataset):
        entries.append(style.USER_LEGEND)
    return entries


def _swatch(entry: LegendEntry) -> str:
    colour = style.rgb_hex(entry.colour)
    if entry.swatch == "line" and entry.key == "schematic":
        # Dots as the map draws the connector: dash pattern in line widths, round ends (style.DASH_SCHEMATIC).
        on, off = (v * style.SCHEMATIC_WIDTH_PX for v in style.DASH_SCHEMATIC)
        return (
            f'<svg width="28" height="14" style="flex-shrink:0"><line x1="3" y1="7" x2="27" y2="7" stroke="{colour}" '
            f'stroke-width="{style.SCHEMATIC_WIDTH_PX * 1.5:g}" stroke-linecap="round" stroke-dasharray="{on / 10:g} {off * 1.5 + on:g}"/></svg>'
        )
    if entry.swatch == "line":
        dash = ' stroke-dasharray="6 3"' if entry.dashed else ""
        return f'<svg width="28" height="14" style="flex-shrink:0"><line x1="1" y1="7" x2="27" y2="7" stroke="{colour}" stroke-width="4"{dash}/></svg>'
    if entry.swatch == "area":
        return f'<svg width="28" height="14" style="flex-shrink:0"><circle cx="14" cy="7" r="6.5" fill="{colour}" fill-opacity="0.25" stroke="{colour}"/></svg>'
    if entry.swatch == "halo":
        return f'<svg width="28" height="14" style="flex-shrink:0"><circle cx="14" cy="7" r="6.5" fill="{colour}"/><circle cx="14" cy="7" r="3.5" fill="#444"/></svg>'
    points = " ".join(f"{14 + 6.5 * x:.1f},{7 - 6.5 * y:.1f}" for x, y in entry.symbol or ())
    if entry.hollow:
        return f'<svg width="28" height="14" style="flex-shrink:0"><polygon points="{points}" fill="none" stroke="{colour}" stroke-width="2"/></svg>'
    return f'<svg width="28" height="14" style="flex-shrink:0"><polygon points="{points}" fill="{colour}"/></svg>'


def legend_html(entries: list[LegendEntry], lang: str) -> str:
    rows = "".join(
        f'<div style="display:flex;align-items:center;gap:6px;margin:2px 0">{_swatch(e)}'
        f'<span style="font-size:0.85rem">{html.escape(e.label(lang))}</span></div>'
        for e in entries
    )
    return f'<div data-testid="map-legend">{rows}</div>'


def legend(dataset: Dataset, layers: frozenset[str], lang: str) -> None:
    st.markdown(f"**{t('legend', lang)}**")
    # Labels come from style.py, not from data files, and are escaped regardless.
    st.markdown(legend_html(legend_entries(dataset, layers), lang), unsafe_allow_html=True)
