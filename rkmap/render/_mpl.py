"""Matplotlib plumbing for the static exports: backend, fonts, projection, markers, text.

Private to ``briefing``. Everything here is deterministic: a fixed font
(DejaVu Sans from matplotlib, IPAex Gothic from the ``matplotlib-fontja``
package, never downloaded), fixed rc parameters and no dates in file metadata.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import re
import unicodedata
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)

import numpy as np
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.path import Path as MplPath

from rkmap.core import style

# Deck.gl sizes are CSS pixels on a map about 850 px wide; the exported map is
# about 9 inches wide, i.e. about as many CSS pixels (96 per inch): 1 px = 0.75 pt.
PX = 0.75

LATIN_FONT = "DejaVu Sans"
CJK_FONT = "IPAexGothic"


HANGUL_FONT = "NanumGothic"  # Korean titles in the source list (KCNA's, Yonhap's): neither font above has Hangul


def _packaged_font(package: str, relative: str, what: str) -> Path:
    """A font file shipped inside a PyPI wheel; the package is not imported (both set global rc on import)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"the package {package} ({what}) is not installed")
    path = Path(spec.origin).parent / "fonts" / relative
    if not path.exists():
        raise RuntimeError(f"{what} missing from {package}: {path}")
    return path


@cache
def cjk_font_path() -> Path:
    """IPAex Gothic as shipped inside the matplotlib-fontja wheel."""
    return _packaged_font("matplotlib_fontja", "ipaexg.ttf", "Japanese font")


@cache
def hangul_font_paths() -> tuple[Path, Path]:
    """NanumGothic, regular and bold (SIL Open Font License 1.1), as shipped inside the koreanize-matplotlib wheel."""
    return (_packaged_font("koreanize_matplotlib", "NanumGothic.ttf", "Korean font"),
            _packaged_font("koreanize_matplotlib", "NanumGothicBold.ttf", "Korean font"))


class _NoBoldCjkWarning(logging.Filter):
    """IPAex Gothic has no bold face, and NanumGothic's is weight 600: matplotlib says so for every bold text; these are intended."""

    def filter(self, record: logging.LogRecord) -> bool:
        return CJK_FONT not in record.getMessage() and HANGUL_FONT not in record.getMessage()


@cache
def register_fonts() -> None:
    font_manager.fontManager.addfont(str(cjk_font_path()))
    for path in hangul_font_paths():
        font_manager.fontManager.addfont(str(path))
    logging.getLogger("matplotlib.font_manager").addFilter(_NoBoldCjkWarning())


def font_family(lang: str) -> list[str]:
    """Font fallback list: Latin first for English (Japanese source titles still render), CJK first for Japanese;
    Hangul last (only Korean text falls through to it)."""
    return [CJK_FONT, LATIN_FONT, HANGUL_FONT] if lang == "ja" else [LATIN_FONT, CJK_FONT, HANGUL_FONT]


def rc_params(lang: str) -> dict[str, object]:
    register_fonts()
    return {
        "font.family": font_family(lang),
        "text.usetex": False,
        "axes.unicode_minus": False,
        "svg.fonttype": "path",  # glyphs as paths: the SVG looks the same without the fonts (see svg_with_text_titles)
        "svg.hashsalt": "briefing",  # stable ids in the SVG
        "svg.id": "briefing-map",
        "pdf.fonttype": 42,  # embed TrueType subsets (CJK stays vector and small)
        "ps.fonttype": 42,
        "path.simplify": True,
        "path.simplify_threshold": 0.1,
        "lines.scale_dashes": True,
        "image.interpolation": "antialiased",
    }


SAVE_METADATA = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None},
    "svg": {"Date": None, "Creator": None},
}


def ground_metres_per_unit(lat: float) -> float:
    """Ground metres per Web Mercator metre at a latitude (the scale bar's factor)."""
    return math.cos(math.radians(lat))


def nice_length(limit: float) -> float:
    """The largest 1, 2 or 5 × 10^n not above ``limit`` (> 0)."""
    exponent = math.floor(math.log10(limit))
    for mantissa in (5, 2, 1):
        value = mantissa * 10**exponent
        if value <= limit:
            return float(value)
    return float(10**exponent)


# --- markers from the shared unit polygons
@cache
def marker_path(points: tuple[tuple[float, float], ...]) -> MplPath:
    vertices = [*points, points[0]]
    codes = [MplPath.MOVETO] + [MplPath.LINETO] * (len(points) - 1) + [MplPath.CLOSEPOLY]
    return MplPath(vertices, codes)


def marker_size_pt(points: tuple[tuple[float, float], ...], size_px: float) -> float:
    """Matplotlib ``markersize`` that draws the polygon as large as deck.gl draws its icon.

    The browser icon maps unit coordinates to 0.45 of the icon box; matplotlib
    scales a path marker so its largest coordinate sits at half the marker size.
    """
    extent = max(max(abs(x), abs(y)) for x, y in points)
    return 0.9 * size_px * PX * extent


def rgba(colour: style.RGB, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """A 0-255 style colour as matplotlib's 0-1 RGBA.

    Refuses a colour already in 0-1 (floats): divided again it drew near-black
    (the area outlines once did).
    """
    if not all(isinstance(c, (int, np.integer)) and 0 <= c <= 255 for c in colour[:3]):
        raise ValueError(f"rgba() takes a 0-255 integer colour (rkmap/core/style.py), not {colour!r}")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"rgba() takes an alpha in 0-1, not {alpha!r}")
    return (colour[0] / 255, colour[1] / 255, colour[2] / 255, alpha)


# --- plain text
def is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


@cache
def _props(lang: str, size: float, weight: str) -> FontProperties:
    register_fonts()
    return FontProperties(family=font_family(lang), size=size, weight=weight)


@lru_cache(maxsize=50_000)
def text_width_pt(text: str, lang: str, size: float, weight: str = "normal") -> float:
    """Width of ``text`` in points in the export's font (with CJK fallback)."""
    if not text:
        return 0.0
    from matplotlib.textpath import text_to_path

    width, _, _ = text_to_path.get_text_width_height_descent(text, _props(lang, size, weight), ismath=False)
    return float(width)


def _tokens(text: str) -> list[str]:
    """Break opportunities: after spaces and around each wide (CJK) character."""
    tokens: list[str] = []
    current = ""
    for char in text:
        if is_wide(char):
            if current:
                tokens.append(current)
                current = ""
            tokens.append(char)
        elif char == " ":
            tokens.append(current + " ")
            current = ""
        else:
            current += char
    if current:
        tokens.append(current)
    return tokens


# Characters a Japanese line may not start with (kinsoku, a short list).
_NO_LINE_START = set("、。,.)」』】〕・ー〜:;!?%")


def wrap(text: str, width_pt: float, lang: str, size: float, weight: str = "normal", max_lines: int = 0) -> list[str]:
    """Lines of ``text`` no wider than ``width_pt``; with ``max_lines``, the last is cut with '…'."""
    text = " ".join(text.split())
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        candidate = line + token
        if line and text_width_pt(candidate.rstrip(), lang, size, weight) > width_pt and token[0] not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = candidate
        # A single token wider than the line: cut it by characters.
        while text_width_pt(line.rstrip(), lang, size, weight) > width_pt and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and text_width_pt(line[:cut], lang, size, weight) > width_pt:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    if max_lines and len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        while last and text_width_pt(last + "…", lang, size, weight) > width_pt:
            last = last[:-1]
        kept[-1] = last.rstrip(" ,;:–-") + "…"
        lines = kept
    return lines


def fit_size(text: str, width_pt: float, lang: str, size: float, weight: str = "normal", smallest: float = 6.0) -> float:
    """The largest font size up to ``size`` at which ``text`` fits on one line of ``width_pt``."""
    while size > smallest and text_width_pt(text, lang, size, weight) > width_pt:
        size = round(size - 0.5, 1)
    return size


_SVG_TEXT_GROUP = re.compile(r'(<g id="([^"]+)"[^>]*>)(\s*(?:<a [^>]*>\s*)?)<!-- (.*?) -->', re.DOTALL)


def svg_with_text_titles(data: bytes, drawn_as_paths: Mapping[str, str] | None = None) -> bytes:
    """The SVG with each text group's string as its ``<title>`` and ``aria-label``.

    With ``svg.fonttype = 'path'`` matplotlib draws glyphs as paths (so no font is
    needed to view the file) and writes each string as an XML comment; this makes
    that string readable: screen readers, search and text extraction get it.
    A text drawn through a path effect (a label's halo) is written as paths with no
    comment: ``drawn_as_paths`` gives the strings of such groups by their ids.
    """
    from html import escape, unescape

    def titled(match: re.Match[str]) -> str:
        text = escape(unescape(match.group(4)), quote=True)
        opening = match.group(1)
        return f'{opening[:-1]} aria-label="{text}">{match.group(3)}<title>{text}</title>'

    svg = _SVG_TEXT_GROUP.sub(titled, data.decode("utf-8"))
    for gid, string in (drawn_as_paths or {}).items():
        text = escape(string, quote=True)
        svg = svg.replace(f'<g id="{escape(gid, quote=True)}">', f'<g id="{escape(gid, quote=True)}" aria-label="{text}"><title>{text}</title>', 1)
    return svg.encode("utf-8")


def encode_png(pixels: np.ndarray, dpi: int, level: int = 3) -> bytes:
    """An RGB PNG of an RGB or RGBA pixel array (alpha dropped), with its print size and nothing else.

    Every row is "Up"-filtered (its difference from the row above) in numpy and the
    whole image deflated once: Pillow tried all five PNG filters on every row, which
    took most of its 0.16-0.25 s for a 3840×2160 export; this takes about 0.08 s, and
    the file is 2 % larger at level 3 (the same size at level 6). Lossless either way.
    """
    import struct
    import zlib

    height, width = pixels.shape[:2]
    rows = np.ascontiguousarray(pixels[..., :3]).reshape(height, width * 3)
    filtered = np.empty((height, width * 3 + 1), np.uint8)
    filtered[:, 0] = 2  # Up; the first row's "row above" is zeros
    filtered[0, 1:] = rows[0]
    np.subtract(rows[1:], rows[:-1], out=filtered[1:, 1:])

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    per_metre = int(dpi / 0.0254 + 0.5)  # as Pillow writes pHYs
    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
        chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        chunk(b"IDAT", zlib.compress(filtered, level)),
        chunk(b"IEND", b""),
    ))
