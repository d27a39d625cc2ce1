"""Text from data files shown as Markdown, with nothing in it able to become markup."""

from __future__ import annotations

import html
import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~:$])")


def md_escape(text: object) -> str:
    """Escape Markdown and HTML so data text renders literally (no links, no tags)."""
    return _SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False)).replace("\n", "  \n")
