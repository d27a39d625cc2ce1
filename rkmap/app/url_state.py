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

from rkmap.core.messages import t
from rkmap.data.window import AS_OF_FIRST, AS_OF_LAST, as_of_allowed
from rkmap.render.view import LAYERS, REGIONS, USER_REGION, MapView

MAX_PARAM_LENGTH = 200
KNOWN = ("date", "lang", "layers", "clock", "region", "event", "item")


@dataclass(frozen=True)
class Notice:
    """A message about an ignored parameter: a catalogue key and its values, shown in the reader's language."""

    key: str
    values: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str) -> str:
        values = dict(self.values)
        if "problem" in values:
            values["problem"] = t(values["problem"], lang, **dict(self.values))
        return t(self.key, lang, **values)


@dataclass
class UrlView:
    """Session-state values read from a URL, and notices about what was ignored."""

    values: dict[str, object] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)


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


def parse_query(params: dict[str, str | list[str]], items: Container[str], user_frame: bool = False) -> UrlView:
    """Validate query parameters into session-state values (``user_frame``: 'region=user' is allowed, the session having its own data)."""
    result = UrlView()
    for name, raw in params.items():
        if isinstance(raw, list):  # a repeated parameter: the last one wins
            raw = raw[-1] if raw else ""
        value = "" if raw is None else str(raw)
        if name not in KNOWN:
            result.notices.append(Notice("url_unknown", (("name", _shown(name)),)))
            continue
        if len(value) > MAX_PARAM_LENGTH:
            result.notices.append(Notice("url_too_long", (("name", name), ("max", str(MAX_PARAM_LENGTH)))))
            continue
        problem = _apply(result.values, name, value, items, user_frame)
        if problem:
            details = (("name", name), ("value", _shown(value)), ("problem", problem), ("first", AS_OF_FIRST.isoformat()), ("last", AS_OF_LAST.isoformat()))
            details += (("layers", ", ".join(LAYERS)), ("regions", ", ".join(REGIONS)))
            result.notices.append(Notice("url_ignored", details))
    return result


def _apply(values: dict[str, object], name: str, value: str, items: Container[str], user_frame: bool = False) -> str | None:
    """Store the parameter's value; or return the catalogue key of what is wrong with it."""
    if name == "date":
        # A strict YYYY-MM-DD: fromisoformat alone would also take 20230913 or 2023-W37-3.
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            return "url_bad_date"
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return "url_bad_date"
        if not as_of_allowed(day):
            return "url_date_range"
        values["as_of"] = day  # before or after the data's span too: the map then says where the data end
    elif name == "lang":
        if value not in ("en", "ja"):
            return "url_bad_lang"
        values["lang"] = value
    elif name == "clock":
        if value not in ("event", "public"):
            return "url_bad_clock"
        values["clock"] = value
    elif name == "region":
        if value not in REGIONS and not (value == USER_REGION and user_frame):
            return "url_bad_region"
        values["region"] = value
    elif name == "layers":
        wanted = [part for part in value.split(",") if part]
        unknown = [part for part in wanted if part not in LAYERS]
        if unknown:
            return "url_bad_layers"
        for layer in LAYERS:
            values[f"layer_{layer}"] = layer in wanted
    elif name in ("event", "item"):
        value = f"event:{value}" if name == "event" else value
        if value not in items:
            return "url_bad_item"
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
