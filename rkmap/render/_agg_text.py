"""Agg canvas whose text costs less when strings repeat: same pixels as matplotlib's.

Private to ``rkmap.render``. Matplotlib 3.11 lays out and draws each string glyph by
glyph through FreeType with the fonts' own hinting, and measures it once more for the
layout: about 16 µs a character to measure, as much again to lay out, and 36 µs a glyph
to rasterise at 300 dpi. An export draws a few thousand glyphs, most of them the same
strings export after export (the source list, legend, credits, frame names).

This keeps, for the whole process, what is a pure function of its inputs:

- the font files (with fallbacks) of a text's font properties, by what matplotlib's own
  font look-up is cached by;
- a string's width, height and descent, by (string, font files, size, dpi, hinting);
- its layout (each glyph's font file, index and integer-pixel offset), by the same and
  the text's font features and language;
- each rasterised glyph, by (font file, size, dpi, glyph, hinting, antialiasing and the
  1/64-pixel fraction of its position): FreeType's rendering at a position moved by whole
  pixels is the same bitmap moved by those pixels, so a kept bitmap is placed exactly
  where matplotlib's own would be drawn.

Only unrotated, non-math text takes the fast path; anything else is drawn by
matplotlib. The tables are cleared when full. They hold plain data (font file names,
not FreeType objects), so threads and forked processes each draw with their own fonts.
"""

from __future__ import annotations

import os

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import FontPath, FontProperties, fontManager, get_font
from matplotlib.ft2font import RenderMode

_FONT_RC = tuple(f"font.{name}" for name in ("family", "style", "variant", "weight", "stretch", "size", "serif", "sans-serif", "cursive", "fantasy", "monospace"))
_FONTS: dict[tuple, tuple[FontPath, ...]] = {}
_METRICS: dict[tuple, tuple[float, float, float]] = {}
_LAYOUTS: dict[tuple, tuple[tuple[str, int, float, float], ...] | None] = {}
_GLYPHS: dict[tuple, tuple[np.ndarray, int, int]] = {}
_MAX_STRINGS = 20_000
_MAX_GLYPH_BYTES = 16 * 2**20  # a 23-slide story deck keeps 0.5 MB, the five bench cases 1.2 MB
_glyph_bytes = 0

# The transform matplotlib sets for unrotated, unslanted, unstretched glyphs (16.16 fixed point).
_IDENTITY = np.array([[0x10000, 0], [0, 0x10000]])


def clear() -> None:
    """Forget every kept measure, layout and glyph (tests; a changed font set-up)."""
    global _glyph_bytes
    _FONTS.clear()
    _METRICS.clear()
    _LAYOUTS.clear()
    _GLYPHS.clear()
    _glyph_bytes = 0


def _fonts(prop: FontProperties) -> tuple[FontPath, ...]:
    """The font files of ``prop`` (with fallbacks), kept by what matplotlib's own font look-up is cached by."""
    rc = mpl.rcParams
    key = (
        tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(), prop.get_stretch(),
        prop.get_size(), prop.get_file(), prop.get_math_fontfamily(),
        tuple(tuple(value) if isinstance(value, list) else value for value in (rc[name] for name in _FONT_RC)),
        len(fontManager.ttflist), os.getenv("MPL_IGNORE_SYSTEM_FONTS"),
    )
    fonts = _FONTS.get(key)
    if fonts is None:
        fonts = tuple(fontManager._find_fonts_by_props(prop))  # type: ignore[attr-defined]
        _remember(_FONTS, key, fonts)
    return fonts


def _remember(table: dict, key: tuple, value: object) -> None:
    if len(table) >= _MAX_STRINGS:
        table.clear()
    table[key] = value


class TextCachingRenderer(RendererAgg):
    def get_text_width_height_descent(self, s, prop, ismath):  # type: ignore[no-untyped-def]
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (s, _fonts(prop), prop.get_size_in_points(), self.dpi, mpl.rcParams["text.hinting"])
        measured = _METRICS.get(key)
        if measured is None:
            measured = super().get_text_width_height_descent(s, prop, ismath)
            _remember(_METRICS, key, measured)
        return measured

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):  # type: ignore[no-untyped-def]
        if ismath or angle != 0:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        size = prop.get_size_in_points()
        hinting = mpl.rcParams["text.hinting"]
        key = (s, _fonts(prop), size, self.dpi, hinting, tuple(features) if features is not None else None,
               language if language is None or isinstance(language, str) else tuple(language))
        if key in _LAYOUTS:
            glyphs = _LAYOUTS[key]
        else:
            items = self._prepare_font(prop)._layout(s, flags=get_hinting_flag(), features=features, language=language)
            glyphs = tuple((item.ft_object.fname, item.glyph_index, item.x, item.y) for item in items)
            if any(item.ft_object.face_index for item in items):
                glyphs = None  # a face inside a font collection: left to matplotlib
            _remember(_LAYOUTS, key, glyphs)
        if glyphs is None:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        self._draw_glyphs(gc, x, y, glyphs, size, hinting)
        return None

    def _draw_glyphs(self, gc, x, y, glyphs, size, hinting):  # type: ignore[no-untyped-def]
        """``_draw_text_glyphs_and_boxes`` at angle 0, each glyph's bitmap kept."""
        global _glyph_bytes
        antialiased = bool(gc.get_antialiased())
        height = self.height
        dpi = self.dpi
        draw = self._renderer.draw_text_image
        for fname, glyph_index, dx, dy in glyphs:
            # matplotlib's own arithmetic at cos = 1, sin = 0 (y is downwards, FreeType's upwards).
            px = round(0x40 * (x + dx))
            py = round(0x40 * (height - y + dy))
            key = (fname, size, dpi, glyph_index, px & 63, py & 63, hinting, antialiased)
            kept = _GLYPHS.get(key)
            if kept is None:
                font = get_font(fname)
                font.set_size(size, dpi)
                font._set_transform(_IDENTITY, [px, py])
                bitmap = font._render_glyph(glyph_index, get_hinting_flag(), RenderMode.NORMAL if antialiased else RenderMode.MONO)
                buffer = np.array(bitmap.buffer)
                if not antialiased:
                    buffer *= 0xFF
                kept = (buffer, bitmap.left - (px >> 6), bitmap.top - (py >> 6))
                if _glyph_bytes + buffer.nbytes > _MAX_GLYPH_BYTES:
                    _GLYPHS.clear()
                    _glyph_bytes = 0
                _GLYPHS[key] = kept
                _glyph_bytes += buffer.nbytes
            buffer, left, top = kept
            if buffer.size:
                draw(buffer, left + (px >> 6), int(height) - (top + (py >> 6)) + buffer.shape[0], 0, gc)


class Canvas(FigureCanvasAgg):
    """``FigureCanvasAgg`` drawing with :class:`TextCachingRenderer`."""

    def get_renderer(self):  # type: ignore[no-untyped-def]
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = TextCachingRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer
