"""Exports of a date range: an animated GIF or a folder of PNGs, one frame per step.

Frames are rendered with :func:`rkmap.render.image.render_png_array` at the
animation size (by default the 16:9 slide at 150 dpi, 1920 × 1080: a GIF of
4K frames would be huge and slow to quantise). Deterministic: fixed palette
method, no dithering, fixed durations, no metadata with dates.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from rkmap.core.dates import add_period
from rkmap.data import Dataset
from rkmap.render.image import ExportOptionError, ExportOptions, render, render_png_array
from rkmap.render.view import MapView

MAX_FRAMES = 400
ANIMATION_DPI = 150
FRAME_MS = 900
LAST_FRAME_MS = 3000
_STEP = re.compile(r"^\s*(\d{1,4})\s*([dwmy])\s*$")

Progress = Callable[[int, int], None]


def parse_step(text: str) -> tuple[int, str]:
    """'7d', '2w', '1m' or '1y' as (count, unit); raises ExportOptionError otherwise."""
    match = _STEP.match(str(text).lower())
    if not match or int(match.group(1)) == 0:
        raise ExportOptionError(f"step must be a positive number and a unit d, w, m or y, e.g. 7d or 1m (got '{text}')")
    return int(match.group(1)), match.group(2)


def add_step(day: date, count: int, unit: str) -> date:
    return add_period(day, count, unit)


def date_steps(start: date, until: date, step: str) -> list[date]:
    """``start``, ``start + step``, … up to ``until``; ``until`` itself is always the last frame."""
    if until < start:
        raise ExportOptionError(f"the end of the range ({until.isoformat()}) is before its start ({start.isoformat()})")
    count, unit = parse_step(step)
    days = [start]
    # Months are counted from the start, so 31 Jan + 1m, + 2m gives 29 Feb, 31 Mar.
    k = 1
    while True:
        nxt = add_step(start, count * k, unit)
        if nxt >= until:
            break
        days.append(nxt)
        k += 1
        if len(days) > MAX_FRAMES:
            raise ExportOptionError(f"the range gives more than {MAX_FRAMES} frames; use a longer step")
    if days[-1] != until:
        days.append(until)
    return days


def animation_options(options: ExportOptions) -> ExportOptions:
    """Frame options: PNG at the animation dpi unless a dpi was chosen."""
    return replace(options, fmt="png", dpi=options.dpi or ANIMATION_DPI)


def render_frames(dataset: Dataset, view: MapView, days: list[date], options: ExportOptions, progress: Progress | None = None) -> list[object]:
    """One RGB array per day, all in one layout (:func:`rkmap.render.image.plan_layout`): nothing jumps between frames."""
    from rkmap.render.image import plan_layout

    frame_options = animation_options(options)
    pin = plan_layout(dataset, view, days, frame_options)
    frames = []
    for i, day in enumerate(days):
        frames.append(render_png_array(dataset, view.with_(as_of=day), frame_options, pin))
        if progress:
            progress(i + 1, len(days))
    return frames


def gif_bytes(frames: list[object], frame_ms: int = FRAME_MS, last_ms: int = LAST_FRAME_MS) -> bytes:
    """An endlessly looping GIF; the last frame holds longer."""
    from PIL import Image

    images = [_quantize(Image.fromarray(frame)) for frame in frames]  # type: ignore[arg-type]
    durations = [frame_ms] * (len(images) - 1) + [last_ms]
    buffer = io.BytesIO()
    images[0].save(buffer, format="gif", save_all=True, append_images=images[1:], duration=durations, loop=0, optimize=False, disposal=1)
    return buffer.getvalue()


MP4_FPS = 10


def write_mp4(frames: list[object], out: Path, frame_ms: int = FRAME_MS, last_ms: int = LAST_FRAME_MS) -> int:
    """An H.264 MP4 of ``frames`` (yuv420p: plays in browsers, PowerPoint and QuickTime), timed as the GIF.

    Uses the ffmpeg binary that the imageio-ffmpeg wheel carries: nothing is downloaded.
    Returns the number of video frames written.
    """
    import imageio_ffmpeg
    import numpy as np

    first = np.asarray(frames[0])
    height, width = first.shape[:2]
    hold = max(1, round(frame_ms * MP4_FPS / 1000))
    last_hold = max(1, round(last_ms * MP4_FPS / 1000))
    writer = imageio_ffmpeg.write_frames(
        str(out), (width, height), fps=MP4_FPS, codec="libx264", pix_fmt_in="rgb24", pix_fmt_out="yuv420p",
        macro_block_size=8, quality=None, bitrate=None, output_params=["-crf", "20", "-preset", "medium", "-movflags", "+faststart"], ffmpeg_log_level="error",
    )
    writer.send(None)  # start ffmpeg
    count = 0
    for k, frame in enumerate(frames):
        data = np.ascontiguousarray(np.asarray(frame, dtype=np.uint8))
        for _ in range(last_hold if k == len(frames) - 1 else hold):
            writer.send(data)
            count += 1
    writer.close()
    return count


def mp4_bytes(frames: list[object]) -> bytes:
    """:func:`write_mp4` into memory (through a temporary file: ffmpeg seeks to write the index)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "range.mp4"
        write_mp4(frames, path)
        return path.read_bytes()


def render_gif(dataset: Dataset, view: MapView, start: date, until: date, step: str, options: ExportOptions = ExportOptions(), progress: Progress | None = None) -> bytes:
    days = date_steps(start, until, step)
    return gif_bytes(render_frames(dataset, view, days, options.validated(), progress))


def write_png_folder(dataset: Dataset, view: MapView, start: date, until: date, step: str, folder: Path, options: ExportOptions = ExportOptions(), progress: Progress | None = None) -> list[Path]:
    """One full-size PNG per step, named by date: ``map-YYYY-MM-DD.png``."""
    days = date_steps(start, until, step)
    png = replace(options, fmt="png").validated()
    folder.mkdir(parents=False, exist_ok=True)
    written = []
    for i, day in enumerate(days):
        path = folder / f"map-{day.isoformat()}.png"
        path.write_bytes(render(dataset, view.with_(as_of=day), png))
        written.append(path)
        if progress:
            progress(i + 1, len(days))
    return written


def _style_colours() -> list[tuple[int, int, int]]:
    """Colours that must survive the GIF palette exactly: symbol and line colours would otherwise drift."""
    from rkmap.core import style

    colours = [*style.EVENT_COLOURS.values(), *style.MODE_COLOURS.values()]
    colours += [style.EMPHASIS, style.PLACE_INK, style.SCHEMATIC, style.LAND, style.WATER, style.BORDER, style.LABEL_HALO, (0, 0, 0), (26, 31, 41)]
    return list(dict.fromkeys(colours))


def _quantize(image: object) -> object:
    """Median-cut palette of the frame with the style colours added exactly; no dithering (deterministic)."""
    from PIL import Image

    fixed = _style_colours()
    adaptive = image.quantize(colors=256 - len(fixed), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)  # type: ignore[attr-defined]
    palette = adaptive.getpalette()[: 3 * (256 - len(fixed))]
    palette += [c for colour in fixed for c in colour]
    palette_image = Image.new("P", (1, 1))
    palette_image.putpalette(palette)
    return image.quantize(palette=palette_image, dither=Image.Dither.NONE)  # type: ignore[attr-defined]
