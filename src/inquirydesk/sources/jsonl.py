"""JSON Lines of inquiry objects, the API's format: one object per line, keyed by the
schema's platform columns (aliases and a user mapping apply as for CSV exports)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from inquirydesk.model import RawItem
from inquirydesk.sources.platform import cell_text, check_mapping, column_for


def iter_jsonl(path: str | Path, mapping: Mapping[str, str] | None = None,
               name: str | None = None) -> Iterator[RawItem]:
    """One ``RawItem`` (channel "api") per line; a bad line becomes an item with ``error``."""
    name = str(path) if name is None else name
    checked = check_mapping(mapping)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig", "replace")
    except OSError as exc:
        yield RawItem(name, "api", error=f"{path}: {exc.strerror or exc}")
        return
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield _item(line, number, name, checked)


def _item(line: str, number: int, name: str, mapping: Mapping[str, str]) -> RawItem:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return RawItem(f"{name}#line-{number}", "api", error=f"{name}: line {number}: {exc}")
    if not isinstance(obj, dict):
        return RawItem(f"{name}#line-{number}", "api",
                       error=f"{name}: line {number}: not a JSON object")
    row = {}
    for key, value in obj.items():
        column = column_for(str(key), mapping)
        if column and column not in row:
            # Lists (attachments) join the way the CSV export writes them.
            row[column] = ";".join(map(cell_text, value)) if isinstance(value, list) else (
                cell_text(value))
    return RawItem(f"{name}#{row.get('inquiry_id', '').strip() or f'row-{number}'}", "api",
                   row=row)
