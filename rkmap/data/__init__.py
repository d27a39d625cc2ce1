"""The sourced dataset of the map: places, events, route legs, sources and citations.

:func:`open_dataset` reads it from the files or from a team's PostGIS database
(``rkmap/data/source.py``); :func:`load_dataset` reads a folder of files.
"""

from rkmap.core.errors import DataValidationError, Problem
from rkmap.data.loading import DATA_DIR, Dataset, load_dataset
from rkmap.data.source import DataSource, open_data, open_dataset, resolve_source
from rkmap.data.window import BBox

__all__ = ["BBox", "DATA_DIR", "DataSource", "DataValidationError", "Dataset", "Problem", "load_dataset", "open_data", "open_dataset", "resolve_source"]
