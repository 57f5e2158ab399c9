"""One typed settings object, built at the edge and passed in.

Values come from, in rising order: the defaults below, a settings file
(``inquirydesk.yaml`` in the working directory or the path in ``INQUIRYDESK_CONFIG``),
and environment variables prefixed ``INQUIRYDESK_`` (nested with ``__``:
``INQUIRYDESK_FOLLOW_UP__FIRST_REPLY_HOURS=12``).  ``docs/settings.md`` lists them all
and ``inquirydesk.example.yaml`` shows every one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict


class Mailbox(BaseModel):
    """An IMAP account to fetch inquiries from."""

    name: str
    host: str
    port: int = 993
    security: str = "tls"  # "tls", "starttls" or "none" (loopback tests only)
    username: str
    password: SecretStr = SecretStr("")
    folders: list[str] = Field(default_factory=lambda: ["INBOX"])
    read_only: bool = True  # never change flags on the server unless asked
    owner: str = ""  # the salesperson inquiries from this mailbox go to


class FollowUp(BaseModel):
    """The follow-up cadence (seeds 000, 002, 003); numbers are days unless named hours."""

    first_reply_hours: int = 24
    first_reply_hours_ab: int = 6  # grades A and B
    silent_days: list[int] = Field(default_factory=lambda: [3, 7, 14])  # then a call
    call_after_working_days_important: int = 2
    call_after_working_days_other: int = 4
    a_grade_every_days: int = 2
    working_hours: tuple[int, int] = (9, 17)  # in the buyer's zone
    no_mail_weekdays: list[int] = Field(default_factory=lambda: [0, 4])  # Monday, Friday


class ValueWeights(BaseModel):
    """Customer value grade (seed 004): weights on a 100-point base."""

    credit: float = 0.10
    amount: float = 0.30
    profit: float = 0.60
    key_at: float = 80  # score for a key customer
    major_at: float = 50  # score for a major customer


class AssignmentRule(BaseModel):
    """One assignment rule: every condition given must hold; an empty one holds always.

    ``markets``: ISO country codes or market names ("DE", "Germany", "Latin America");
    ``products``: catalog ids or categories; ``languages``: ISO 639-1 codes.  Several
    ``owners`` (desk usernames) share the rule's inquiries in turn.
    """

    id: str  # stable: names the rule in the assignment log and keeps its turn
    owners: list[str]
    markets: list[str] = Field(default_factory=list)
    products: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("an assignment rule needs an id")
        return value.strip()

    @field_validator("owners")
    @classmethod
    def _owned(cls, value: list[str]) -> list[str]:
        owners = [o.strip() for o in value if o.strip()]
        if not owners:
            raise ValueError("an assignment rule needs at least one owner")
        return owners


class Assignment(BaseModel):
    """Who new, safe inquiries go to: the first matching rule; none matching, the pool.

    With no ``rules``, ``seller_people`` makes one rule per person of the seller profile
    whose desk user is found (username or display name = English name, name or mail
    name): their markets, their inquiries.
    """

    rules: list[AssignmentRule] = Field(default_factory=list)
    seller_people: bool = True

    @field_validator("rules")
    @classmethod
    def _unique(cls, value: list[AssignmentRule]) -> list[AssignmentRule]:
        ids = [r.id for r in value]
        doubled = sorted({i for i in ids if ids.count(i) > 1})
        if doubled:
            raise ValueError(f"assignment rule ids must be unique: {', '.join(doubled)}")
        return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INQUIRYDESK_", env_nested_delimiter="__",
                                      extra="forbid")

    data_dir: Path = Path("data")
    database_url: str = ""  # empty: SQLite in data_dir; or postgresql+psycopg://...
    seller: Path | None = None  # seller.yaml
    rules: Path | None = None  # a user rulebook merged over the defaults
    drafts_dir: Path | None = None  # your draft templates, overriding the shipped ones by file
    timezone: str = "Asia/Shanghai"  # the seller's own zone
    language: str = "zh"  # the desk's language: zh or en
    mailboxes: list[Mailbox] = Field(default_factory=list)
    follow_up: FollowUp = Field(default_factory=FollowUp)
    value: ValueWeights = Field(default_factory=ValueWeights)
    assignment: Assignment = Field(default_factory=Assignment)

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'inquirydesk.db'}"

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings,
                                   dotenv_settings, file_secret_settings):
        return (init_settings, env_settings, _FileSource(settings_cls))


class _FileSource(PydanticBaseSettingsSource):
    """The YAML settings file, below the environment."""

    def get_field_value(self, field, field_name):  # pragma: no cover - unused by __call__
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        path = Path(os.environ.get("INQUIRYDESK_CONFIG", "inquirydesk.yaml"))
        if not path.is_file():
            return {}
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: settings must be a YAML mapping")
        return data


def load_settings(**overrides: Any) -> Settings:
    return Settings(**overrides)
