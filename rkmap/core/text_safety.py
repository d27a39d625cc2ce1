"""User text made safe for where it goes: a terminal, XML, a spreadsheet, a title (issue #26).

Kept free of pandas and the data modules. Each function takes any value and
returns text; none of them changes ordinary text (letters of any script,
punctuation, emoji, line breaks).

- :func:`reveal_invisible`: right-to-left overrides and other bidi controls, and
  zero-width characters, become a visible ``[U+202E]``: a title cannot reorder
  what follows it or hide a difference between two names.
- :func:`xml_text`: characters XML 1.0 forbids or discourages (NUL and the other C0 controls, DEL and C1
  but tab and line breaks, lone surrogates, U+FFFE/U+FFFF) are dropped.
- :func:`terminal_text`: ANSI/OSC escape sequences and every other control
  character are dropped (a file cannot set the window title, clear the screen
  or write the clipboard of whoever runs the command line).
"""

from __future__ import annotations

import re

# Bidi embeddings, overrides, isolates and marks; zero-width spaces and joiners; word joiner, invisible operators; BOM.
INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")  # and DEL and C1, which XML discourages
# ESC [ … final byte (CSI), ESC ] … BEL or ESC \ (OSC), ESC P/X/^/_ … ESC \ (DCS, SOS, PM, APC), ESC + one byte;
# and their 8-bit forms (U+009B CSI, U+009D OSC, U+0090 DCS …).
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[\x20-\x3f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x7e]?"
)
_TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def reveal_invisible(value: object) -> str:
    """Bidi controls and zero-width characters shown as ``[U+XXXX]``."""
    return INVISIBLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", _text(value))


def xml_text(value: object) -> str:
    """Text an XML 1.0 document may hold: forbidden characters dropped, invisible ones shown."""
    return reveal_invisible(_XML_FORBIDDEN.sub("", _text(value)))


def terminal_text(value: object) -> str:
    """Text safe to print: escape sequences and control characters dropped (line breaks and tabs kept), invisible ones shown."""
    text = _ESCAPES.sub("", _text(value))
    return reveal_invisible(_TERMINAL_CONTROLS.sub("", text))
