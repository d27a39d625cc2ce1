"""Command line: parse options, load the shipped data, write the export.

One date: ``--out FILE.geojson|kml|csv|png|pdf|svg``; ``--data FILE`` (repeatable)
adds the analyst's own events, places and routes through the app's loader. A range (``--until END``, with
``--step``): ``--out FILE.gif`` for an animation, or ``--out FOLDER`` for one
PNG per step. Bad options end with a one-line message and exit status 2.

The data come from the same backend as the app's (``rkmap.data.open_data``: the
files, or the PostGIS database in ``DATABASE_URL``), fetching only the events
that start by the last date drawn. Images below 5,000 such events fetch the
whole range: the places of event symbols sharing a spot depend on all events.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from rkmap.data import DataValidationError, open_data
from rkmap.data.postgis import DatabaseError
from rkmap.data.source import DATABASE_URL_ENV, Opened, SourceError, open_source
from rkmap.data.window import AS_OF_FIRST, AS_OF_LAST, as_of_allowed
from rkmap.render.view import DEFAULT_LAYERS, LAYERS, REGIONS, USER_REGION, MapView, date_span

FORMATS = (".geojson", ".png", ".pdf", ".svg", ".kml", ".csv")
IMAGE_FORMATS = (".png", ".pdf", ".svg")
DATA_FORMATS = (".geojson", ".kml", ".csv")
RANGE_FORMATS = (".gif", ".mp4", ".pptx")


class UsageError(ValueError):
    """A bad option: reported in one line, exit status 2."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date of the form YYYY-MM-DD") from None


def _layers(text: str) -> frozenset[str]:
    wanted = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(wanted - set(LAYERS))
    if unknown or not wanted:
        raise argparse.ArgumentTypeError(f"layers must be a comma-separated subset of {','.join(LAYERS)} (got '{text}')")
    return wanted


def _text(limit: int, name: str):
    def parse(text: str) -> str:
        one_line = " ".join(text.split())
        if len(one_line) > limit:
            raise argparse.ArgumentTypeError(f"{name} is {len(one_line)} characters long; at most {limit} fit")
        return one_line

    return parse


def build_parser() -> argparse.ArgumentParser:
    from rkmap.render.image import MAX_BANNER, MAX_SUBTITLE, MAX_TITLE, PRESETS

    parser = argparse.ArgumentParser(
        prog="python -m rkmap",
        description="Export the map as it stands at an as-of date (GeoJSON, PNG, PDF, SVG), a date range (GIF, MP4, PPTX slide deck, or a folder of PNGs), "
        "or the story mode as a slide deck (--story --out FILE.pptx).",
        epilog=f"Data: the shipped files (or the folder in MAP_DATA_DIR); with {DATABASE_URL_ENV} set (or database_url in .streamlit/secrets.toml), "
        "the team's PostGIS database, as in the app.",
    )
    parser.add_argument("--date", type=_date, help="as-of date, YYYY-MM-DD (the start, with --until); required unless --story")
    parser.add_argument("--story", action="store_true", help="the story mode as a slide deck: one slide per step (--out FILE.pptx)")
    parser.add_argument("--out", required=True, type=Path, help="output: FILE.geojson|kml|csv (data with sources) or FILE.png|pdf|svg; with --until FILE.gif or a FOLDER for PNGs")
    parser.add_argument("--data", action="append", type=Path, default=[], metavar="FILE",
                        help="your own events/places/routes (CSV/TSV/TXT incl. ACLED, UCDP GED, GDELT; GeoJSON, TimeMap JSON, KML/KMZ, GeoParquet), shown with the shipped data; repeatable")
    parser.add_argument("--data-source", metavar="TEXT", default="", help="the source of every --data row that names none")
    order = parser.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="day_order", action="store_const", const="dayfirst", help="read --data dates such as 03/04/2022 day-first (3 April)")
    order.add_argument("--monthfirst", dest="day_order", action="store_const", const="monthfirst", help="read --data dates such as 03/04/2022 month-first (4 March)")
    parser.add_argument("--lang", default="en", choices=("en", "ja"))
    parser.add_argument("--layers", type=_layers, default=DEFAULT_LAYERS, help=f"comma-separated: {','.join(LAYERS)}")
    parser.add_argument("--clock", default="event", choices=("event", "public"), help="show items at the date they happened or became public")
    parser.add_argument("--region", default="route", choices=(*REGIONS, USER_REGION), help=f"the frame; '{USER_REGION}': one that fits the --data rows, wherever they are")
    parser.add_argument("--size", default="slide", choices=tuple(PRESETS), help="slide: 16:9, 3840x2160 px (default); a4: A4 landscape at 300 dpi")
    parser.add_argument("--title", type=_text(MAX_TITLE, "--title"), help="title (default: the map's name)")
    parser.add_argument("--subtitle", type=_text(MAX_SUBTITLE, "--subtitle"), help="subtitle (default: frame and clock)")
    parser.add_argument("--banner", type=_text(MAX_BANNER, "--banner"), default="", help='caveat or classification line at top and bottom, e.g. "UNCLASSIFIED // OPEN SOURCE"')
    parser.add_argument("--until", type=_date, help="end of a date range, YYYY-MM-DD: one frame per --step")
    parser.add_argument("--step", help="step of a date range: a number and d, w, m or y (default 7d)")
    return parser


def run(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from rkmap.render.animate import date_steps
    from rkmap.render.image import ExportOptionError, ExportOptions

    suffix = args.out.suffix.lower()
    if args.story:
        if suffix != ".pptx":
            parser.error(f"--story writes a slide deck: --out must be a .pptx file (got '{args.out.name}')")
        if args.date is not None or args.until is not None:
            parser.error("--story takes each step's own date: leave out --date and --until")
        if not args.out.parent.exists():
            parser.error(f"--out folder '{args.out.parent}' does not exist")
        return _story(args)
    if args.date is None:
        parser.error("the following arguments are required: --date (or --story)")
    if args.step is not None and args.until is None:
        parser.error("--step needs --until (the end of the date range)")
    if args.until is not None:
        if suffix and suffix not in RANGE_FORMATS:
            parser.error(f"with --until, --out must be a .gif, .mp4 or .pptx file or a folder for PNGs (got '{args.out.name}')")
        try:
            days = date_steps(args.date, args.until, args.step or "7d")
        except ExportOptionError as exc:
            parser.error(str(exc))
    else:
        days = [args.date]
        if suffix not in FORMATS:
            hint = f" (a {suffix} needs --until, or --story for a .pptx)" if suffix in RANGE_FORMATS else ""
            parser.error(f"--out must end in one of {', '.join(FORMATS)}{hint} (got '{args.out.name}')")
    if args.region == USER_REGION and not args.data:
        parser.error(f"--region {USER_REGION} frames your own rows: give them with --data FILE")
    target_parent = args.out.parent
    if not target_parent.exists():
        parser.error(f"--out folder '{target_parent}' does not exist")
    if args.until is not None and not suffix and args.out.exists() and not args.out.is_dir():
        parser.error(f"--out '{args.out}' is a file, not a folder")
    options = ExportOptions(size=args.size, fmt=suffix.lstrip(".") if suffix in IMAGE_FORMATS else "png", title=args.title, subtitle=args.subtitle, banner=args.banner)
    try:
        options.validated()
    except ExportOptionError as exc:
        parser.error(str(exc))
    opened = _opened(lambda: _open(days[-1], images=suffix not in DATA_FORMATS))
    if isinstance(opened, int):
        return opened
    dataset = opened.dataset
    if args.data:
        dataset = _with_data(dataset, args.data, args.data_source, args.day_order)
        if dataset is None:
            return 2
    first, last = _span(opened, dataset)
    for flag, day in (("--date", args.date), ("--until", args.until)):
        # Any day is a fair "as of" (after the last event: "as of today"); the output says where the data end.
        if day is not None and not as_of_allowed(day):
            parser.error(f"{flag} {day.isoformat()} is outside the years {AS_OF_FIRST.year}–{AS_OF_LAST.year}")
    if not first <= args.date <= last:
        print(f"note: as of {args.date.isoformat()}; the data run from {first.isoformat()} to {last.isoformat()}", file=sys.stderr)
    if args.date < first and not args.data:
        # Nothing is shown yet, but the image says where the data begin: fetch up to the first event.
        dataset = open_data(strict=True, until=first).dataset
    view = MapView(as_of=args.date, clock=args.clock, layers=args.layers, lang=args.lang, region=args.region)
    try:
        return _write(dataset, view, args, options, days, suffix)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1


def _opened(open_it: Callable[[], Opened]) -> Opened | int:
    """The data ``open_it`` opens, or the exit code after saying why they could not be (1: invalid, 2: unreachable)."""
    try:
        return open_it()
    except DataValidationError as exc:
        print(f"error: the shipped data did not validate:\n{exc}", file=sys.stderr)
        return 1
    except (SourceError, DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _open(last_day: date, *, images: bool) -> Opened:
    """The data drawn up to ``last_day``: events starting by then (the whole range for images of few events)."""
    from rkmap.core.style import LARGE_EVENT_COUNT

    opened = open_data(strict=True, until=last_day)
    if images and not opened.complete and len(opened.dataset.events) <= LARGE_EVENT_COUNT:
        # Below this count an image offsets the symbols sharing a place by all their events, drawn or not.
        opened = open_source(opened.source, strict=True)
    return opened


def _span(opened: Opened, dataset) -> tuple[date, date]:
    """The whole data's span, widened by the user's own data (if any)."""
    from rkmap.data.user_data import user_parts

    own = user_parts(dataset)[1]
    if own is None or (own.events.empty and own.route_legs.empty):
        return opened.span
    (first, last), (own_first, own_last) = opened.span, date_span(own)
    return min(first, own_first), max(last, own_last)


def _with_data(dataset, files: list[Path], source: str = "", day_order: str | None = None):
    """The dataset with the user's files added; per file the mapping used and a summary on stderr; None if nothing loads."""
    from rkmap.core.coordinates import checked_coordinates
    from rkmap.core.text_safety import terminal_text
    from rkmap.data.user_data import LoadOptions, load_user_file_taking, mapping_lines, summary_lines, with_user_data

    loaded = []
    options = LoadOptions(source=source, day_order=day_order)
    for path in files:
        try:
            held = [path.read_bytes()]
        except OSError as exc:
            print(terminal_text(f"error: --data {path}: cannot read it ({exc.strerror or exc})"), file=sys.stderr)
            continue
        # The loader takes the bytes: a 200 MB file is not held through the rest of its load and the merge.
        data = load_user_file_taking(path.name, held, set(dataset.places["id"]), options)
        level = "error" if data.loaded_nothing else ("warning" if data.rows_left_out else "note")
        lines = summary_lines(data)
        # Text from the file: no escape sequence reaches the terminal.
        print(terminal_text(f"{level}: --data {lines[0]}"), file=sys.stderr)
        if data.mapping:
            print(terminal_text("  mapping: " + "; ".join(mapping_lines(data))), file=sys.stderr)
        for line in lines[1:]:
            print(terminal_text(line), file=sys.stderr)
        if data.needs_day_order:
            print(terminal_text(f"  hint: add --dayfirst or --monthfirst to read the dates of {path.name}"), file=sys.stderr)
        if data.loaded_nothing:
            continue
        loaded.append(data)
    if not loaded:
        print("error: nothing loaded from --data", file=sys.stderr)
        return None
    merged = with_user_data(dataset, loaded, spend=True)  # the files' rows are needed only in the merged data from here on
    dropped = checked_coordinates(merged)[1]
    if dropped:
        print(terminal_text(f"warning: {dropped.message()}"), file=sys.stderr)
    return merged


def _write(dataset, view: MapView, args: argparse.Namespace, options, days: list[date], suffix: str) -> int:
    if suffix in DATA_FORMATS:
        from rkmap.render.data_export import write_export

        # Written a piece at a time: a million-feature view is never held whole (nor read back to be counted).
        # Into a file beside the output, renamed once complete: a failed export leaves no partial file
        # (and an earlier file of that name stays as it was).
        partial = args.out.with_name(f".{args.out.name}.part")
        try:
            with partial.open("wb") as out:
                count = write_export(dataset, view, suffix.lstrip("."), out)
            partial.replace(args.out)
        finally:
            partial.unlink(missing_ok=True)
        noun = {".geojson": "features", ".kml": "placemarks", ".csv": "rows"}[suffix]
        print(f"wrote {args.out} ({count:,} {noun}, as of {args.date.isoformat()})")
        return 0
    if args.until is None:
        from rkmap.render.image import render_to_file

        size = render_to_file(dataset, view, options, args.out)
        print(f"wrote {args.out} ({options.fmt.upper()}, {options.size}, {size:,} bytes, as of {args.date.isoformat()})")
        return 0
    from rkmap.render.animate import gif_bytes, render_frames, write_png_folder

    def progress(done: int, total: int) -> None:
        print(f"\rframe {done}/{total}", end="", file=sys.stderr, flush=True)

    if suffix == ".mp4":
        from rkmap.render.animate import write_mp4

        frames = render_frames(dataset, view, days, options, progress)
        count = write_mp4(frames, args.out)
        print(file=sys.stderr)
        print(f"wrote {args.out} (MP4, {len(days)} dates, {count} video frames, {days[0].isoformat()} – {days[-1].isoformat()})")
        return 0
    if suffix == ".pptx":
        from rkmap.render.slides import range_deck

        args.out.write_bytes(range_deck(dataset, view, days, options, progress))
        print(file=sys.stderr)
        print(f"wrote {args.out} (PPTX, {len(days)} slides, {days[0].isoformat()} – {days[-1].isoformat()})")
        return 0
    if suffix == ".gif":
        data = gif_bytes(render_frames(dataset, view, days, options, progress))
        args.out.write_bytes(data)
        print(file=sys.stderr)
        print(f"wrote {args.out} (GIF, {len(days)} frames, {days[0].isoformat()} – {days[-1].isoformat()})")
        return 0
    written = write_png_folder(dataset, view, days[0], days[-1], args.step or "7d", args.out, options, progress)
    print(file=sys.stderr)
    print(f"wrote {len(written)} PNGs to {args.out} ({days[0].isoformat()} – {days[-1].isoformat()})")
    return 0


def _story(args: argparse.Namespace) -> int:
    """``--story --out FILE.pptx``: the story mode's steps as a slide deck."""
    from rkmap.data.loading import DATA_DIR
    from rkmap.data.story import load_story
    from rkmap.render.image import ExportOptionError, ExportOptions
    from rkmap.render.slides import story_deck

    options = ExportOptions(size=args.size, fmt="png", title=args.title, subtitle=args.subtitle, banner=args.banner)
    try:
        options.validated()
    except ExportOptionError as exc:
        print(f"python -m rkmap: error: {exc}", file=sys.stderr)
        return 2
    opened = _opened(lambda: open_data(strict=True))
    if isinstance(opened, int):
        return opened
    import os

    folder = os.environ.get("MAP_DATA_DIR", "").strip() or DATA_DIR
    steps, problems = load_story(opened.dataset, folder, strict=False)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if not steps:
        print("error: the story has no usable step", file=sys.stderr)
        return 1

    def progress(done: int, total: int) -> None:
        print(f"\rslide {done}/{total}", end="", file=sys.stderr, flush=True)

    try:
        args.out.write_bytes(story_deck(opened.dataset, steps, args.lang, options, progress))
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(file=sys.stderr)
    print(f"wrote {args.out} (PPTX, {len(steps)} slides: the story)")
    return 0
