"""What the store hands back: plain frozen dataclasses, never live database rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be read, parsed or analysed; kept raw, with the error."""

    id: int
    source: str
    channel: str
    error: str
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What one ingest did.  ``known``: already stored (or repeated within the run)."""

    new: int = 0
    known: int = 0
    failed: int = 0
    bounces: int = 0
    failures: tuple[Failure, ...] = ()

    @property
    def seen(self) -> int:
        return self.new + self.known + self.failed + self.bounces

    def __add__(self, other: ImportSummary) -> ImportSummary:
        return ImportSummary(self.new + other.new, self.known + other.known,
                             self.failed + other.failed, self.bounces + other.bounces,
                             self.failures + other.failures)


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One inquiry as the inbox lists it."""

    id: int
    source: str
    channel: str
    received_at: datetime
    grade: str
    risk: str
    total: float
    probability: float
    country: str
    language: str
    intent: str
    business_type: str
    sender_email: str
    subject: str
    owner: str
    status: str
    buyer_id: int | None

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True, slots=True)
class StoredInquiry:
    """One inquiry in full: the inbox columns, the analysis record and the raw input."""

    item: InboxItem
    fingerprint: str
    message_id: str | None
    rulebook: str
    record: dict[str, Any]  # records.to_record of the latest analysis
    raw: bytes | None  # the message as it arrived
    row: dict[str, Any] | None  # or the platform row
    analysed_at: datetime
    created_at: datetime
    updated_at: datetime

    def as_dict(self) -> dict[str, Any]:
        out = self.item.as_dict()
        for f in fields(self):
            if f.name not in ("item", "raw"):
                out[f.name] = getattr(self, f.name)
        out["raw_size"] = len(self.raw) if self.raw is not None else None
        return _jsonable(out)


@dataclass(frozen=True, slots=True)
class GradeChange:
    """An inquiry whose grade or risk a re-analysis changed (old None: it had failed)."""

    id: int
    source: str
    old_grade: str | None
    new_grade: str
    old_risk: str | None
    new_risk: str
    old_total: float | None
    new_total: float


@dataclass(frozen=True, slots=True)
class FolderState:
    """How far one IMAP folder has been fetched."""

    account: str
    folder: str
    uidvalidity: int
    last_uid: int


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
