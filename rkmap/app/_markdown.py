"""Text from data files shown as Markdown, with nothing in it able to become markup."""

from __future__ import annotations

import html
import re

from rkmap.core.text_safety import reveal_invisible

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~:$])")


# A zero-width space after these stops GitHub-style autolinking of bare URLs; before
# "www." (after it, the browser drops it again from the link's host name and the link stays).
_AUTOLINK = re.compile(r"(?i)(://|@)")
_WWW = re.compile(r"(?i)www\.")


def md_escape(text: object) -> str:
    """Escape Markdown and HTML so data text renders literally (no links, images or tags)."""
    # Bidi and zero-width controls of the text itself are shown ([U+202E]) before any is added.
    unlinked = _WWW.sub(lambda m: "\u200b" + m.group(), _AUTOLINK.sub(lambda m: m.group(1) + "\u200b", reveal_invisible(text)))
    return _SPECIAL.sub(r"\\\1", html.escape(unlinked, quote=False)).replace("\n", "  \n")


_URL_OK = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


def md_link(url: str) -> str:
    """A Markdown link to ``url`` showing the URL itself, with no invisible characters (it copies cleanly).

    Only http(s) addresses become links; anything else is shown as escaped text.
    """
    from rkmap.render.sources import INVISIBLE

    url = INVISIBLE.sub("", str(url)).strip()
    if not _URL_OK.match(url):
        return md_escape(url)
    shown = _SPECIAL.sub(r"\\\1", html.escape(url, quote=False))
    return f"[{shown}](<{url}>)"
