"""Reading numbers from text cells, shared by the schema's columns and the date parser.

pandas and pyarrow are imported when a column is read, not when this module is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
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


def text_buffers(values: pd.Series) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
    """Per Arrow chunk of a text column: its cells' byte offsets (n + 1), its bytes, and its validity (None: no NA).

    Read in place from the Arrow buffers: no string is made or copied.
    """
    import numpy as np
    import pyarrow as pa

    cells = pa.array(values.astype("string[pyarrow]").array)
    for chunk in cells.chunks if isinstance(cells, pa.ChunkedArray) else [cells]:
        _validity, offsets, data = chunk.buffers()
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        starts = np.zeros(len(chunk) + 1, dtype=np.int64) if offsets is None else np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1].astype(np.int64)
        valid = chunk.is_valid().to_numpy(zero_copy_only=False) if chunk.null_count else None
        yield starts, (np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)), valid
