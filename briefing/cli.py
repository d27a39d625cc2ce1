"""Command line: parse options, load the shipped data, write the export."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from geodata import DataValidationError, load_dataset
from layers.view import DEFAULT_LAYERS, LAYERS, REGIONS, MapView, date_span

FORMATS = (".geojson",)


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m briefing", description="Export the map as it stands at an as-of date.")
    parser.add_argument("--date", required=True, type=_date, help="as-of date, YYYY-MM-DD")
    parser.add_argument("--out", required=True, type=Path, help="output file: .geojson")
    parser.add_argument("--lang", default="en", choices=("en", "ja"))
    parser.add_argument("--layers", type=_layers, default=DEFAULT_LAYERS, help=f"comma-separated: {','.join(LAYERS)}")
    parser.add_argument("--clock", default="event", choices=("event", "public"), help="show items at the date they happened or became public")
    parser.add_argument("--region", default="route", choices=tuple(REGIONS))
    return parser


def run(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        dataset, _ = load_dataset(strict=True)
    except DataValidationError as exc:
        print(f"error: the shipped data did not validate:\n{exc}", file=sys.stderr)
        return 1
    first, last = date_span(dataset)
    if not first <= args.date <= last:
        parser.error(f"--date {args.date.isoformat()} is outside the data's span {first.isoformat()} – {last.isoformat()}")
    suffix = args.out.suffix.lower()
    if suffix not in FORMATS:
        parser.error(f"--out must end in one of {', '.join(FORMATS)} (got '{args.out.name}')")
    if not args.out.parent.exists():
        parser.error(f"--out folder '{args.out.parent}' does not exist")
    view = MapView(as_of=args.date, clock=args.clock, layers=args.layers, lang=args.lang, region=args.region)
    from briefing.geojson import write_geojson

    count = write_geojson(dataset, view, args.out)
    print(f"wrote {args.out} ({count} features, as of {args.date.isoformat()})")
    return 0
