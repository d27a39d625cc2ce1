"""The sourced dataset of the map: places, events, route legs, sources and citations."""

from geodata.errors import DataValidationError, Problem
from geodata.loading import DATA_DIR, Dataset, load_dataset

__all__ = ["DATA_DIR", "DataValidationError", "Dataset", "Problem", "load_dataset"]
