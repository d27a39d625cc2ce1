"""Screenshot the running app at given as-of dates (for the README and for review).

    python -m scripts.screenshot --date 2023-10-13 --out docs/screenshot.png
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from devtools.browser import chromium, running_app, wait_canvas_stable, wait_map_drawn, wait_script_idle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", action="append", default=[], help="as-of date YYYY-MM-DD (repeatable)")
    parser.add_argument("--out", action="append", default=[], help="PNG file per date")
    parser.add_argument("--lang", default="en", choices=("en", "ja"))
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1300)
    args = parser.parse_args()
    if len(args.date) != len(args.out):
        parser.error("give one --out per --date")
    with running_app() as server, sync_playwright() as pw, chromium(pw) as browser:
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        for day, out in zip(args.date, args.out):
            query = f"?date={day}&lang={args.lang}"
            page.goto(server.url + "/" + query)
            wait_script_idle(page)
            wait_map_drawn(page)
            wait_canvas_stable(page, settle_s=1.5)
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=out, full_page=True)
            print(f"wrote {out}")


if __name__ == "__main__":
    main()
