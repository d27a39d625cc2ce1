"""Hostile files of issue #26, built at any size: shared by the budget tests and the load benchmarks.

Each builder makes a small file that costs a naive reader far more than its size (compression,
nesting, width, entity expansion); ``HOSTILE`` has them at the issue's sizes. ``PEAK_CHILD`` is the
script a fresh process runs to load one and report its time, peak memory and rows loaded.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

GOOD_ROW = "2023-01-01,ok,43.1,131.9,src"


def parquet_one_huge_string(size: int) -> bytes:
    """A few KB of Parquet holding one string of ``size`` characters (compressed away)."""
    table = pa.table({"date": ["2023-01-01"], "title": pa.array(["a" * size], pa.large_string()), "lat": [43.0], "lon": [131.0], "source": ["s"]})
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd", use_dictionary=False)
    return out.getvalue()


def parquet_many_rows(rows: int) -> bytes:
    """A few KB of Parquet with ``rows`` rows (one int8 column of zeros, run-length encoded)."""
    out = io.BytesIO()
    pq.write_table(pa.table({"lat": pa.array(np.zeros(rows, dtype=np.int8))}), out, compression="zstd", row_group_size=1 << 22)
    return out.getvalue()


def kmz_bomb(size: int) -> bytes:
    """A KMZ whose doc.kml unpacks to ``size`` bytes (spaces inside a valid document)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive, archive.open("doc.kml", "w", force_zip64=True) as doc:
        doc.write(b"<kml><Document>")
        chunk = b" " * (1 << 20)
        for _ in range(size // len(chunk) + 1):
            doc.write(chunk)
        doc.write(b"</Document></kml>")
    return out.getvalue()


def utf16_entities_kml() -> bytes:
    """Billion laughs in UTF-16: the bytes '<!ENTITY' never occur, the entities do."""
    lol = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE kml [<!ENTITY l0 "lol">' + lol + "]>\n"
        "<kml><Document><Placemark><name>&l9;</name><Point><coordinates>131,43</coordinates></Point></Placemark></Document></kml>"
    )
    return text.encode("utf-16")


def nested_kml(depth: int) -> bytes:
    """``depth`` Folders one inside the other, a Placemark in each (the issue's 40,000: 0.9 MB)."""
    mark = b"<Placemark><name>p</name><Point><coordinates>131,43</coordinates></Point></Placemark>"
    return b"<kml><Document>" + (b"<Folder>" + mark) * depth + b"</Folder>" * depth + b"</Document></kml>"


def nested_placemarks(depth: int) -> bytes:
    return b"<kml><Document>" + b"<Placemark><name>p</name>" * depth + b"</Placemark>" * depth + b"</Document></kml>"


def wide_geojson(properties: int) -> bytes:
    props = {f"p{i}": i for i in range(properties)}
    props.update(date="2023-01-01", title="wide", source="s")
    return json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [131, 43]}, "properties": props}]}).encode()


def wide_csv(columns: int) -> bytes:
    return (",".join(["date", "title", "lat", "lon", "source", *(f"c{i}" for i in range(columns))]) + "\n" + GOOD_ROW + "," * columns + "\n").encode()


def long_cell_csv(length: int) -> bytes:
    return f"date,title,lat,lon,source\n{GOOD_ROW}\n2023-01-02,{'x' * length},43.1,131.9,src\n2023-01-03,ok3,43.2,131.8,src\n".encode()


HOSTILE = {  # name -> (file name, builder at the size)
    "parquet_300mb_string": ("bomb.parquet", lambda: parquet_one_huge_string(300 * 1024 * 1024)),
    "parquet_30m_rows": ("rows.parquet", lambda: parquet_many_rows(30_000_000)),
    "kmz_bomb_1gb": ("bomb.kmz", lambda: kmz_bomb(1024 * 1024 * 1024)),
    "kml_utf16_entities": ("lol.kml", utf16_entities_kml),
    "kml_40k_nested_folders": ("deep.kml", lambda: nested_kml(40_000)),
    "kml_40k_nested_placemarks": ("deep2.kml", lambda: nested_placemarks(40_000)),
    "geojson_600k_properties": ("wide.geojson", lambda: wide_geojson(600_000)),
    "csv_131073_char_cell": ("long.csv", lambda: long_cell_csv(131_073)),
    "json_100k_deep": ("deep.json", lambda: b"[" * 100_000 + b"]" * 100_000),
}

PEAK_CHILD = """
import sys, time
from rkmap.data.user_data import load_user_file
content = open(sys.argv[2], "rb").read()
start = time.perf_counter()
data = load_user_file(sys.argv[1], content)
seconds = time.perf_counter() - start
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(seconds, hwm // 1024, data.rows_loaded)
"""
