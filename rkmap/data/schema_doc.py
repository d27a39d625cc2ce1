"""Render the schema as Markdown tables (kept in geodata/README.md; a test checks it is current).

    python -m rkmap.data.schema_doc
"""

from __future__ import annotations

from rkmap.core.schema import TABLES, Table

BEGIN, END = "<!-- schema:begin -->", "<!-- schema:end -->"


def table_markdown(table: Table) -> str:
    rows = [f"### `{table.file}`", "", table.doc, "", "| column | type | required | values / meaning |", "| --- | --- | --- | --- |"]
    for column in table.columns:
        kind = column.kind + (f" → {column.ref}" if column.ref else "")
        values = ", ".join(f"`{c}`" for c in column.choices) if column.choices else column.doc
        if column.bounds:
            values = f"{column.bounds[0]:g} to {column.bounds[1]:g}. {values}".strip()
        rows.append(f"| `{column.name}` | {kind} | {'yes' if column.required else 'no'} | {values} |")
    return "\n".join(rows)


def schema_markdown() -> str:
    return "\n\n".join(table_markdown(t) for t in TABLES)


if __name__ == "__main__":
    print(BEGIN)
    print(schema_markdown())
    print(END)
