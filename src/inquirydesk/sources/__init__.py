"""Input layer: paths become ``RawItem`` values for the parse stage.

See docs/sources.md for the formats, the column aliases and user column mappings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from inquirydesk.model import RawItem
from inquirydesk.sources.files import is_corpus, iter_mbox, iter_path
from inquirydesk.sources.jsonl import iter_jsonl
from inquirydesk.sources.platform import (MappingError, check_mapping, iter_csv, iter_xlsx,
                                          read_mapping)

__all__ = ["MappingError", "is_corpus", "iter_csv", "iter_inputs", "iter_jsonl", "iter_mbox",
           "iter_path", "iter_xlsx", "read_mapping"]


def iter_inputs(paths: Iterable[str | Path],
                mapping: Mapping[str, str] | None = None) -> Iterator[RawItem]:
    """Every inquiry under ``paths``, in order.

    ``mapping`` ({their column: schema column}) is checked now, so a bad one raises
    ``MappingError`` here rather than halfway through a run; bad files never raise.
    """
    checked = check_mapping(mapping)
    return (item for path in paths for item in iter_path(path, checked))
