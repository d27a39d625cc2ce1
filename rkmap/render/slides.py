"""Slide decks (PowerPoint, python-pptx): the story mode, or a date range, one slide per step.

Each slide has a title, the as-of date (with the frame and the clock), the map
image at that step (the same drawing as the PNG export), the caption, and the
step's sources in the slide notes: publisher, date, title and URL, then the
quotes that support the item. A date range's slides share one layout (as the
GIF's frames do). The deck opens in PowerPoint, Keynote and LibreOffice Impress.

Deterministic for the same inputs except the zip timestamps python-pptx writes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from rkmap.core.messages import frame_label, t
from rkmap.core.text import format_date
from rkmap.data import Dataset
from rkmap.render.sources import source_ref
from rkmap.render.view import MapView, localized

DECK_DPI = 150  # 1920×1080 images: sharp on a projector, a deck of a few MB
SLIDE_W_IN = 13.333
SLIDE_H_IN = 7.5
TITLE_PT = 26
TITLE_MIN_PT = 16  # two lines of this still end above the as-of line
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Slide:
    title: str
    stamp: str  # 'As of 13 Sep 2023 · Far East · items shown at the date they happened'
    caption: str
    image: bytes  # PNG
    notes: str


def _frame_words(view: MapView) -> str:
    label = frame_label(view.region, view.lang)
    return f"{label} · {t(f'export_clock_{view.clock}', view.lang)}"


def _stamp(view: MapView) -> str:
    return t("deck_as_of", view.lang, date=format_date(view.as_of, view.lang)) + " · " + _frame_words(view)


def item_source_notes(dataset: Dataset, item: str, lang: str) -> list[str]:
    """The sources of one item: '[n] Publisher, date: Title URL', each with its quotes."""
    citations = dataset.citations_for(item)
    if citations.empty:
        return []
    lines = []
    for n, (source_id, group) in enumerate(citations.groupby("source", sort=False), start=1):
        if source_id not in dataset.sources.index:
            continue
        ref = source_ref(n, str(source_id), dataset.sources.loc[source_id], lang)
        lines.append(f"[{n}] {ref.text(lang, with_url=True)}")
        for quote in dict.fromkeys(q for q in group["quote"] if isinstance(q, str) and q.strip()):
            lines.append(f"    “{quote.strip()}”")
    return lines


def _view_source_notes(dataset: Dataset, view: MapView, options: object) -> list[str]:
    from rkmap.render.image import export_contents, fit_frame, make_layout

    lay = make_layout(*options.preset.inches, False, len(dataset.sources))  # type: ignore[attr-defined]
    frame, _ = fit_frame(view.region, lay.map_box[2] / lay.map_box[3])
    return [f"[{ref.number}] {ref.text(view.lang, with_url=True)}" for ref in export_contents(dataset, view, frame).sources]


def _options(options: object) -> object:
    from rkmap.render.image import ExportOptions

    base = options if options is not None else ExportOptions()
    return replace(base, fmt="png", dpi=base.dpi or DECK_DPI).validated()  # type: ignore[arg-type]


def _png(dataset: Dataset, view: MapView, options: object, pin: object = None) -> bytes:
    from rkmap.render._mpl import encode_png
    from rkmap.render.image import render_png_array

    return encode_png(render_png_array(dataset, view, options, pin), options.dpi_used, level=6)  # type: ignore[attr-defined]


def story_slides(dataset: Dataset, steps: object, lang: str = "en", options: object = None, layers: frozenset[str] | None = None, progress: Progress | None = None) -> list[Slide]:
    """One slide per story step: its date, frame and clock; the item's title; the caption; the item's sources in the notes."""
    from rkmap.render.view import DEFAULT_LAYERS

    options = _options(options)
    steps = list(steps)  # type: ignore[call-overload]
    slides = []
    for k, step in enumerate(steps, start=1):
        view = MapView(as_of=step.as_of, region=step.region, clock=step.clock, lang=lang, layers=layers or DEFAULT_LAYERS)  # type: ignore[arg-type]
        title = _item_title(dataset, step.item, lang) or step.caption(lang)
        notes = [t("story_position", lang, k=k, n=len(steps), date=format_date(step.as_of, lang)), "", t("deck_sources", lang)]
        notes += item_source_notes(dataset, step.item, lang) or ["–"]
        slides.append(Slide(title, _stamp(view), step.caption(lang), _png(dataset, view, options), "\n".join(notes)))
        if progress:
            progress(k, len(steps))
    return slides


def range_slides(dataset: Dataset, view: MapView, days: list[date], options: object = None, progress: Progress | None = None) -> list[Slide]:
    """One slide per date, all in one layout: the events at that date as the caption, the sources shown in the notes."""
    from rkmap.render.image import in_focus_lines, plan_layout

    options = _options(options)
    pin = plan_layout(dataset, view, days, options)  # type: ignore[arg-type]
    slides = []
    for k, day in enumerate(days, start=1):
        day_view = view.with_(as_of=day)
        from rkmap.render.image import export_contents, fit_frame, make_layout

        lay = make_layout(*options.preset.inches, False, len(dataset.sources))  # type: ignore[attr-defined]
        frame, _ = fit_frame(view.region, lay.map_box[2] / lay.map_box[3])
        focus = in_focus_lines(export_contents(dataset, day_view, frame).items, view.lang)
        caption = "\n".join(focus) if focus else t("deck_nothing_new", view.lang, days=view.emphasis_days)
        notes = [t("deck_sources_shown", view.lang), *(_view_source_notes(dataset, day_view, options) or ["–"])]
        title = t("deck_range_title", view.lang, date=format_date(day, view.lang))
        slides.append(Slide(title, _stamp(day_view), caption, _png(dataset, day_view, options, pin), "\n".join(notes)))
        if progress:
            progress(k, len(days))
    return slides


def _item_title(dataset: Dataset, item: str, lang: str) -> str:
    kind, _, ident = item.partition(":")
    table = {"event": dataset.events, "leg": dataset.route_legs}.get(kind)
    if table is None:
        return ""
    rows = table[table["id"] == ident]
    if rows.empty:
        return ""
    return localized(rows.iloc[0], "title", lang)  # events and legs alike (a leg once got its id, 'rail', as the title)


def title_size(text: str, width_in: float) -> int:
    """The title's font size (pt): 26, or smaller so a long title keeps to one line (#24: wrapped onto the
    as-of line below it). Estimated on the wide side: a full em per CJK character, 0.62 em otherwise (bold)."""
    import unicodedata

    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.62 for c in text) or 1.0
    return max(TITLE_MIN_PT, min(TITLE_PT, int(width_in * 72 / ems)))


def deck_bytes(slides: list[Slide], lang: str = "en", deck_title: str = "") -> bytes:
    """A 16:9 PowerPoint deck of ``slides``."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    font = "IPAexGothic" if lang == "ja" else "Calibri"
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W_IN), Inches(SLIDE_H_IN)
    prs.core_properties.title = deck_title or t("app_title", lang)
    prs.core_properties.language = "ja-JP" if lang == "ja" else "en-GB"
    blank = prs.slide_layouts[6]
    ink, muted = RGBColor(0x1A, 0x1F, 0x29), RGBColor(0x55, 0x5C, 0x66)

    def box(slide, x, y, w, h, text, size, *, bold=False, colour=ink, spaced=False):
        frame = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h)).text_frame
        frame.word_wrap = True
        for k, line in enumerate(text.split("\n")):
            para = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            if spaced:
                para.space_after = Pt(8)
            run = para.add_run()
            run.text = line
            run.font.size, run.font.bold, run.font.name = Pt(size), bold, font
            run.font.color.rgb = colour
        return frame

    image_w = 9.6
    image_h = image_w * 9 / 16
    for slide_spec in slides:
        slide = prs.slides.add_slide(blank)
        title_w = SLIDE_W_IN - 0.7
        box(slide, 0.35, 0.22, title_w, 0.7, slide_spec.title, title_size(slide_spec.title, title_w - 0.2), bold=True)  # less the box's insets
        box(slide, 0.35, 0.9, SLIDE_W_IN - 0.7, 0.4, slide_spec.stamp, 13, colour=muted)
        slide.shapes.add_picture(io.BytesIO(slide_spec.image), Inches(0.35), Inches(1.45), Inches(image_w), Inches(image_h))
        lines = slide_spec.caption.count("\n") + 1
        box(slide, 0.35 + image_w + 0.25, 1.45, SLIDE_W_IN - image_w - 0.95, image_h, slide_spec.caption, 14 if lines <= 2 else 11, spaced=True)
        slide.notes_slide.notes_text_frame.text = slide_spec.notes
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def story_deck(dataset: Dataset, steps: object, lang: str = "en", options: object = None, progress: Progress | None = None) -> bytes:
    return deck_bytes(story_slides(dataset, steps, lang, options, progress=progress), lang)


def range_deck(dataset: Dataset, view: MapView, days: list[date], options: object = None, progress: Progress | None = None) -> bytes:
    return deck_bytes(range_slides(dataset, view, days, options, progress), view.lang)
