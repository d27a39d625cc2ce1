"""The export panel: briefing images (PNG, PDF, SVG) and animations (GIF) of the current view.

Nothing is rendered on an ordinary rerun: the preview and the files are made
when asked for ("Make PNG for download", "Make GIF"), and kept for the view
and options they were made for (see :mod:`rkmap.app._prepared`), so moving the date
slider stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import streamlit as st

from rkmap.app._prepared import dataset_token, prepared_download
from rkmap.app.safety import made_safely
from rkmap.core.messages import t
from rkmap.core.text import format_date
from rkmap.data import Dataset
from rkmap.render.view import MapView, date_span

MIMES = {
    "png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml", "gif": "image/gif", "mp4": "video/mp4",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
PREVIEW_DPI = 40
STEPS = ("1d", "7d", "14d", "1m", "3m", "1y")


def _view_key(view: MapView) -> tuple:
    return (view.as_of.isoformat(), view.clock, tuple(sorted(view.layers)), view.lang, view.emphasis_days, view.region)


def _view_from_key(key: tuple) -> MapView:
    as_of, clock, layers, lang, emphasis_days, region = key
    return MapView(as_of=date.fromisoformat(as_of), clock=clock, layers=frozenset(layers), lang=lang, emphasis_days=emphasis_days, region=region)


@st.cache_data(show_spinner=False, max_entries=24)
def _render_cached(_dataset: Dataset, view_key: tuple, options: dict, dataset_token: str = "") -> bytes:
    from rkmap.render.image import ExportOptions, render

    return render(_dataset, _view_from_key(view_key), ExportOptions(**options))


def _file_name(view: MapView, fmt: str, until: date | None = None) -> str:
    span = view.as_of.isoformat() + (f"_to_{until.isoformat()}" if until else "")
    return f"russia-dprk-map_{view.region}_{span}_{view.lang}.{fmt}"


def export_panel(dataset: Dataset, view: MapView) -> None:
    """Title, subtitle, banner, size and format; a preview; download buttons; GIF of a date range."""
    from rkmap.render.animate import date_steps
    from rkmap.render.image import MAX_BANNER, MAX_SUBTITLE, MAX_TITLE, ExportOptionError, ExportOptions, default_subtitle, default_title

    lang = view.lang
    title = st.text_input(t("export_title_field", lang), value=default_title(view), max_chars=MAX_TITLE, key=f"export_title_{lang}")
    subtitle = st.text_input(t("export_subtitle_field", lang), value=default_subtitle(view), max_chars=MAX_SUBTITLE, key=f"export_subtitle_{lang}_{view.region}_{view.clock}")
    banner = st.text_input(t("export_banner_field", lang), value="", max_chars=MAX_BANNER, placeholder="UNCLASSIFIED // OPEN SOURCE", key="export_banner")
    size = st.radio(t("export_size", lang), ("slide", "a4"), horizontal=True, key="export_size", format_func=lambda k: t(f"export_size_{k}", lang))
    fmt = st.radio(t("export_format", lang), ("png", "pdf", "svg"), horizontal=True, key="export_format", format_func=str.upper)
    options = ExportOptions(size=size, fmt=fmt, title=title, subtitle=subtitle, banner=banner)
    try:
        options.validated()
    except ExportOptionError as exc:
        st.error(str(exc))
        return
    key = _view_key(view)
    base = {k: v for k, v in asdict(options).items() if k not in ("fmt", "dpi")}

    if st.toggle(t("export_preview", lang), key="export_preview_on"):
        with st.spinner(t("export_rendering", lang)):
            preview = made_safely(lambda: _render_cached(dataset, key, {**base, "fmt": "png", "dpi": PREVIEW_DPI}, dataset_token(dataset)))
        if preview is not None:
            st.image(preview, caption=t("export_preview_caption", lang), width="stretch")

    prepared_download(
        "export_download",
        (dataset_token(dataset), key, tuple(sorted(base.items())), fmt),
        lambda: _render_cached(dataset, key, {**base, "fmt": fmt, "dpi": None}, dataset_token(dataset)),
        download_label=t("export_download", lang, fmt=fmt.upper()),
        file_name=_file_name(view, fmt),
        mime=MIMES[fmt],
        prepare_label=t("export_make_file", lang, fmt=fmt.upper()),
        busy_label=t("export_rendering", lang),
        primary=True,
    )

    st.markdown(f"**{t('export_animation', lang)}**")
    _, last = date_span(dataset)
    until = st.date_input(t("export_until", lang), value=min(max(view.as_of, date(2023, 10, 13)), last), min_value=view.as_of, max_value=last, key="export_until")
    step = st.selectbox(t("export_step", lang), STEPS, index=1, key="export_step", format_func=lambda k: t(f"export_step_{k}", lang))
    try:
        frames = len(date_steps(view.as_of, until, step))
    except ExportOptionError as exc:
        st.error(str(exc))
        return
    st.caption(t("export_animation_note", lang, frames=frames, start=format_date(view.as_of, lang), end=format_date(until, lang)))
    prepared_download(
        "export_download_gif",
        (dataset_token(dataset), key, until.isoformat(), step, tuple(sorted(base.items()))),
        lambda: _make_gif(dataset, view, until, step, ExportOptions(**base)),
        download_label=t("export_download", lang, fmt="GIF"),
        file_name=_file_name(view, "gif", until),
        mime=MIMES["gif"],
        prepare_label=t("export_make_gif", lang),
        busy_label=t("export_rendering", lang),
    )
    for fmt_range, label_key in (("mp4", "export_make_mp4"), ("pptx", "export_make_deck")):
        prepared_download(
            f"export_download_{fmt_range}",
            (dataset_token(dataset), key, until.isoformat(), step, tuple(sorted(base.items()))),
            lambda f=fmt_range: _make_range(dataset, view, until, step, ExportOptions(**base), f),
            download_label=t("export_download", lang, fmt=fmt_range.upper()),
            file_name=_file_name(view, fmt_range, until),
            mime=MIMES[fmt_range],
            prepare_label=t(label_key, lang),
            busy_label=t("export_rendering", lang),
        )
    _story_deck(dataset, view, ExportOptions(**base))


def _story_deck(dataset: Dataset, view: MapView, options: object) -> None:
    """The story mode as a PowerPoint deck: one slide per step (the same deck as ``python -m rkmap --story``)."""
    from rkmap.app.story import story_steps

    steps, _ = story_steps(dataset)
    if not steps:
        return
    lang = view.lang
    st.markdown(f"**{t('export_story_deck', lang)}**")
    st.caption(t("export_story_deck_note", lang, n=len(steps)))

    def make() -> bytes:
        from rkmap.render.slides import story_deck

        bar = st.progress(0.0, text=t("export_rendering_frames", lang, done=0, total=len(steps)))
        data = story_deck(dataset, steps, lang, options, lambda done, total: bar.progress(done / total, text=t("export_rendering_frames", lang, done=done, total=total)))
        bar.empty()
        return data

    prepared_download(
        "export_download_story_pptx",
        (dataset_token(dataset), lang, len(steps)),
        make,
        download_label=t("export_download", lang, fmt="PPTX"),
        file_name=f"russia-dprk-map_story_{lang}.pptx",
        mime=MIMES["pptx"],
        prepare_label=t("export_make_story_deck", lang),
        busy_label=t("export_rendering", lang),
    )


def _make_range(dataset: Dataset, view: MapView, until: date, step: str, options: object, fmt: str) -> bytes:
    """An MP4 or a PPTX deck of the date range, with a progress bar."""
    from rkmap.render.animate import date_steps, mp4_bytes, render_frames
    from rkmap.render.slides import range_deck

    lang = view.lang
    days = date_steps(view.as_of, until, step)
    bar = st.progress(0.0, text=t("export_rendering_frames", lang, done=0, total=len(days)))

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=t("export_rendering_frames", lang, done=done, total=total))

    if fmt == "mp4":
        data = mp4_bytes(render_frames(dataset, view, days, options, progress))  # type: ignore[arg-type]
    else:
        data = range_deck(dataset, view, days, options, progress)
    bar.empty()
    return data


def _make_gif(dataset: Dataset, view: MapView, until: date, step: str, options: object) -> bytes:
    """Render the animation with a progress bar (kept in the session, not in a cache: one at a time)."""
    from rkmap.render.animate import render_gif

    lang = view.lang
    bar = st.progress(0.0, text=t("export_rendering_frames", lang, done=0, total="…"))

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=t("export_rendering_frames", lang, done=done, total=total))

    data = render_gif(dataset, view, view.as_of, until, step, options, progress)  # type: ignore[arg-type]
    bar.empty()
    return data
