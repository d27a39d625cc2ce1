"""The view in the URL: ``?date=YYYY-MM-DD&lang=en|ja&layers=…&clock=…&region=…&event=ID``.

A selected route leg or place is ``item=leg:ID`` / ``item=place:ID``.

Parameters are only ever parsed as plain values against fixed choices: nothing
in a URL is executed, unpickled or rendered as markup. A bad value is ignored
with a notice naming it.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date

from layers.view import LAYERS, REGIONS, MapView

MAX_PARAM_LENGTH = 200
KNOWN = ("date", "lang", "layers", "clock", "region", "event", "item")


@dataclass
class UrlView:
    """Session-state values read from a URL, and notices about what was ignored."""

    values: dict[str, object] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def _shown(value: str) -> str:
    """At most a short, printable prefix of a hostile value, as a Markdown code span.

    Notices are Markdown: inside a code span nothing becomes a link, an image
    or emphasis (a bare URL would otherwise be autolinked).
    """
    clean = "".join(ch if ch.isprintable() else "?" for ch in value[:40]) + ("…" if len(value) > 40 else "")
    if not clean.strip():
        return "(empty)"
    fence = "`" * (max((len(run) for run in re.findall("`+", clean)), default=0) + 1)
    return f"{fence} {clean} {fence}"


def parse_query(params: dict[str, str | list[str]], first: date, last: date, items: Container[str]) -> UrlView:
    """Validate query parameters into session-state values."""
    result = UrlView()
    for name, raw in params.items():
        if isinstance(raw, list):  # a repeated parameter: the last one wins
            raw = raw[-1] if raw else ""
        value = "" if raw is None else str(raw)
        if name not in KNOWN:
            result.notices.append(f"Ignored unknown URL parameter {_shown(name)}.")
            continue
        if len(value) > MAX_PARAM_LENGTH:
            result.notices.append(f"Ignored URL parameter '{name}': longer than {MAX_PARAM_LENGTH} characters.")
            continue
        problem = _apply(result.values, name, value, first, last, items)
        if problem:
            result.notices.append(f"Ignored URL parameter {name}={_shown(value)}: {problem}.")
    return result


def _apply(values: dict[str, object], name: str, value: str, first: date, last: date, items: Container[str]) -> str | None:
    if name == "date":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return "not a date of the form YYYY-MM-DD"
        if not first <= day <= last:
            return f"outside the data's span {first.isoformat()} – {last.isoformat()}"
        values["as_of"] = day
    elif name == "lang":
        if value not in ("en", "ja"):
            return "language must be en or ja"
        values["lang"] = value
    elif name == "clock":
        if value not in ("event", "public"):
            return "clock must be event or public"
        values["clock"] = value
    elif name == "region":
        if value not in REGIONS:
            return f"region must be one of {', '.join(REGIONS)}"
        values["region"] = value
    elif name == "layers":
        wanted = [part for part in value.split(",") if part]
        unknown = [part for part in wanted if part not in LAYERS]
        if unknown:
            return f"unknown layer(s); layers are {', '.join(LAYERS)}"
        for layer in LAYERS:
            values[f"layer_{layer}"] = layer in wanted
    elif name in ("event", "item"):
        value = f"event:{value}" if name == "event" else value
        if value not in items:
            return "no such event, route leg or place"
        values["selected"] = value
    return None


def query_for(view: MapView, selected: str | None) -> dict[str, str]:
    """The query parameters that reproduce ``view``."""
    query = {
        "date": view.as_of.isoformat(),
        "lang": view.lang,
        "layers": ",".join(layer for layer in LAYERS if layer in view.layers),
        "clock": view.clock,
        "region": view.region,
    }
    if selected and selected.startswith("event:"):
        query["event"] = selected.removeprefix("event:")
    elif selected:
        query["item"] = selected
    return query
