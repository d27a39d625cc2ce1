"""`python -m rkmap` for images and animations: formats, folders and one-line errors (exit 2)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from rkmap.cli import run

REPO = Path(__file__).resolve().parents[2]


def fails(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        run(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


def test_png_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    done = subprocess.run(
        [sys.executable, "-m", "rkmap", "--date", "2023-10-13", "--out", str(out), "--banner", "UNCLASSIFIED // OPEN SOURCE", "--title", "Route as disclosed"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "findfont" not in done.stderr
    assert Image.open(out).size == (3840, 2160)


@pytest.mark.parametrize(("name", "magic"), [("map.svg", b"<?xml"), ("map.pdf", b"%PDF"), ("map.geojson", b"{")])
def test_other_formats(tmp_path: Path, name: str, magic: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / name
    assert run(["--date", "2023-09-20", "--out", str(out), "--size", "a4", "--lang", "ja", "--region", "rajin_dunai", "--layers", "places,route"]) == 0
    assert out.read_bytes().startswith(magic)
    assert "wrote" in capsys.readouterr().out


def test_range_gives_a_gif_or_a_folder_of_pngs(tmp_path: Path) -> None:
    gif = tmp_path / "route.gif"
    assert run(["--date", "2023-10-06", "--until", "2023-10-13", "--step", "7d", "--clock", "public", "--out", str(gif)]) == 0
    assert Image.open(gif).n_frames == 2
    folder = tmp_path / "frames"
    assert run(["--date", "2023-10-12", "--until", "2023-10-13", "--step", "1d", "--out", str(folder), "--size", "a4"]) == 0
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["map-2023-10-12.png", "map-2023-10-13.png"]
    assert Image.open(io.BytesIO((folder / names[0]).read_bytes())).size == (3508, 2480)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--date", "2023-02-30", "--out", "x.png"], "'2023-02-30' is not a date"),
        (["--date", "2023-10-13", "--out", "x.jpg"], "--out must end in one of .geojson, .png, .pdf, .svg"),
        (["--date", "2023-10-13", "--out", "x.gif"], "a .gif needs --until"),
        (["--date", "2023-10-13", "--out", "/no/such/folder/x.png"], "folder '/no/such/folder' does not exist"),
        (["--date", "2023-10-13", "--layers", "places,rivers", "--out", "x.png"], "layers must be a comma-separated subset"),
        (["--date", "2023-10-13", "--size", "a3", "--out", "x.png"], "invalid choice: 'a3'"),
        (["--date", "2023-10-13", "--lang", "fr", "--out", "x.png"], "invalid choice: 'fr'"),
        (["--date", "2023-10-13", "--banner", "X" * 200, "--out", "x.png"], "--banner is 200 characters long"),
        (["--date", "2023-10-13", "--until", "2023-11-01", "--step", "7x", "--out", "x.gif"], "step must be a positive number and a unit"),
        (["--date", "2023-10-13", "--until", "2023-09-01", "--out", "x.gif"], "is before its start"),
        (["--date", "2023-10-13", "--until", "2023-11-01", "--out", "x.svg"], "must be a .gif, .mp4 or .pptx file or a folder"),
        (["--date", "2023-10-13", "--step", "7d", "--out", "x.png"], "--step needs --until"),
        (["--date", "1890-01-01", "--out", "x.png"], "outside the years 1900–2100"),
    ],
)
def test_bad_options_exit_2_with_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    line = fails(argv, capsys)
    assert message in line, line
    assert line.startswith("python -m rkmap: error:")


@pytest.mark.parametrize(("day", "note"), [("2030-01-01", "Latest event in the data"), ("1999-01-01", "The data begin on 19 Jul 2000")])
def test_an_as_of_date_outside_the_data_is_drawn_and_says_where_the_data_end(day: str, note: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """'As of today' after the last event is a normal question: everything up to it, and where the data end."""
    out = tmp_path / "x.svg"
    assert run(["--date", day, "--out", str(out)]) == 0
    svg = out.read_text(encoding="utf-8")
    assert note in svg  # the footer's text (SVG text is drawn as paths, each string kept as its title)
    assert "the data run from" in capsys.readouterr().err


def test_a_data_export_that_fails_midway_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The data formats are written a piece at a time: into a side file, renamed only once complete."""
    import rkmap.render.data_export as data_export

    out = tmp_path / "map.geojson"
    out.write_bytes(b"an earlier export")

    def breaks(dataset, view, fmt, file):
        file.write(b'{"type": "FeatureCollection", "features": [')
        raise OSError("disk full")

    monkeypatch.setattr(data_export, "write_export", breaks)
    assert run(["--date", "2023-09-20", "--out", str(out)]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert out.read_bytes() == b"an earlier export" and [p.name for p in tmp_path.iterdir()] == ["map.geojson"]
    monkeypatch.undo()
    assert run(["--date", "2023-09-20", "--out", str(out)]) == 0 and out.read_bytes().startswith(b"{")
    assert [p.name for p in tmp_path.iterdir()] == ["map.geojson"]
