"""Paths on disk as ``RawItem`` values: messages, mailboxes, exports, corpus folders.

Nothing here raises for bad input: a missing or unreadable path becomes a ``RawItem``
with ``error`` set, so one bad file shows up in the results instead of stopping a run.
"""

from __future__ import annotations

import mailbox
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from inquirydesk.model import RawItem
from inquirydesk.sources.jsonl import iter_jsonl
from inquirydesk.sources.platform import iter_csv, iter_xlsx

Reader = Callable[[Path, Mapping[str, str] | None, str], Iterator[RawItem]]


def _mbox_reader(path: Path, mapping: Mapping[str, str] | None, name: str) -> Iterator[RawItem]:
    return iter_mbox(path, name)


# Files that hold many inquiries, by suffix; every other file is one RFC 5322 message.
READERS: dict[str, Reader] = {
    ".mbox": _mbox_reader,
    ".csv": iter_csv,
    ".xlsx": iter_xlsx,
    ".xls": iter_xlsx,
    ".ods": iter_xlsx,
    ".jsonl": iter_jsonl,
}
# Files in a plain folder that are never mail: a seller profile, notes.
SKIPPED_SUFFIXES = (".yaml", ".yml", ".md")


def is_corpus(path: str | Path) -> bool:
    """A corpus folder: seller.yaml next to emails/ and/or platform.csv."""
    folder = Path(path)
    return (folder.is_dir() and (folder / "seller.yaml").is_file()
            and ((folder / "emails").is_dir() or (folder / "platform.csv").is_file()))


def iter_path(path: str | Path, mapping: Mapping[str, str] | None = None) -> Iterator[RawItem]:
    """Every inquiry a path holds, in a stable order."""
    target = Path(path)
    try:
        if is_corpus(target):
            yield from _iter_corpus(target, mapping)
        elif target.is_dir():
            for child in _files_in(target):
                yield from _iter_file(child, mapping, str(child))
        else:
            yield from _iter_file(target, mapping, str(path))
    except OSError as exc:  # a folder that vanished or cannot be listed
        yield _error(str(path), exc)


def _iter_corpus(folder: Path, mapping: Mapping[str, str] | None) -> Iterator[RawItem]:
    emails = folder / "emails"
    if emails.is_dir():
        for child in _files_in(emails):
            yield read_message(child, f"emails/{child.name}")
    if (folder / "platform.csv").is_file():
        yield from iter_csv(folder / "platform.csv", mapping, "platform.csv")


def _files_in(folder: Path) -> list[Path]:
    return sorted(child for child in folder.iterdir()
                  if not child.name.startswith(".") and child.is_file()
                  and child.suffix.lower() not in SKIPPED_SUFFIXES)


def _iter_file(path: Path, mapping: Mapping[str, str] | None, name: str) -> Iterator[RawItem]:
    reader = READERS.get(path.suffix.lower())
    if reader is not None and path.is_file():
        yield from reader(path, mapping, name)
    else:
        yield read_message(path, name)


def read_message(path: Path, source: str) -> RawItem:
    """One file holding one raw message."""
    try:
        return RawItem(source, "file", data=path.read_bytes())
    except OSError as exc:
        return _error(source, exc)


def iter_mbox(path: str | Path, name: str | None = None) -> Iterator[RawItem]:
    """Messages of an mbox file; sources are ``<name>#N``, N counting from 1."""
    name = str(path) if name is None else name
    try:
        box = mailbox.mbox(str(path), create=False)
        try:
            for number, key in enumerate(box.iterkeys(), 1):
                yield RawItem(f"{name}#{number}", "mbox", data=box.get_bytes(key))
        finally:
            box.close()
    except (OSError, mailbox.Error) as exc:
        yield _error(name, exc, "mbox")


def _error(source: str, exc: Exception, channel: str = "file") -> RawItem:
    if isinstance(exc, OSError) and exc.strerror:
        why = exc.strerror  # "No such file or directory", without the path twice
    else:
        why = str(exc) or type(exc).__name__
    return RawItem(source, channel, error=f"{source}: {why}")
