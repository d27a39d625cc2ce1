"""Reading numbers from text cells, shared by the schema's columns and the date parser.

pandas and pyarrow are imported when a column is read, not when this module is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def numbers(values: pd.Series) -> pd.Series:
    """Cells as float64 (NaN where empty or not a number): pyarrow's cast when every cell is a number, else pandas."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        array = pa.array(values.array)
        try:
            cast = pc.cast(pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array), pa.float64())
            return pd.Series(cast.to_numpy(zero_copy_only=False), index=values.index, dtype="float64")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return pd.to_numeric(values.astype(object).where(values.astype(object) != "", None), errors="coerce").astype("float64")
