"""Text from data files shown as Markdown, with nothing in it able to become markup."""

from __future__ import annotations

import html
import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~:$])")


# A zero-width space after these stops GitHub-style autolinking of bare URLs.
_AUTOLINK = re.compile(r"(?i)(://|www\.|@)")


def md_escape(text: object) -> str:
    """Escape Markdown and HTML so data text renders literally (no links, images or tags)."""
    unlinked = _AUTOLINK.sub(lambda m: m.group(1) + "\u200b", str(text))
    return _SPECIAL.sub(r"\\\1", html.escape(unlinked, quote=False)).replace("\n", "  \n")
