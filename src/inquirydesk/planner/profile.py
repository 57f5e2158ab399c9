"""What the planner needs to know about one buyer, from an ``Analysis`` or a stored record.

The planner runs on fresh analyses (``inquirydesk draft``) and on the archive's records
(``today``, summaries), where only the ``to_record`` dict may be kept.  Both become one
small frozen ``BuyerProfile``, so strategy and cadence have one input shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from collections.abc import Mapping

from inquirydesk.model import Analysis, Evidence
from inquirydesk.pipeline.signals import identity_country

# The trade terms a reply answers or asks about, in the order a letter takes them.
TOPICS = ("products", "quantity", "specs", "packaging", "certificates", "target_price",
          "incoterm", "port", "payment", "delivery", "shipping", "sample")
PRONOUNS = frozenset({"we", "our", "i", "my", "you", "your", "us", "are", "is"})


@dataclass(frozen=True, slots=True)
class BuyerProfile:
    source: str
    grade: str = "E"
    risk: str = "none"
    intent: str = "not_inquiry"
    business_type: str = "unknown"
    total: float = 0.0
    name: str = ""
    company: str = ""
    email: str = ""
    phones: tuple[str, ...] = ()
    country: str = ""  # ISO 3166 alpha-2
    timezone: str = ""  # IANA; "" when the engine found none
    language: str = ""  # ISO 639-1
    subject: str = ""
    received: datetime | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)  # Fields.as_dict() form
    unrelated: tuple[str, ...] = ()  # products asked for that the seller does not make
    risk_reason: str = ""  # the strongest evidence for the risk verdict

    @property
    def risky(self) -> bool:
        return self.risk != "none"


def from_analysis(analysis: Analysis) -> BuyerProfile:
    idy, cls = analysis.identity, analysis.classification
    return BuyerProfile(
        source=analysis.source,
        grade=analysis.score.grade,
        risk=analysis.risk.verdict,
        intent=cls.intent,
        business_type=cls.business_type,
        total=analysis.score.total,
        name=_person_name(idy.name),
        company=idy.company,
        email=idy.email,
        phones=tuple(p.e164 or p.raw for p in idy.phones if p.kind != "fax"),
        country=identity_country(idy),
        timezone=idy.timezone,
        language=idy.language,
        subject=analysis.inquiry.subject,
        received=analysis.inquiry.date,
        fields=analysis.fields.as_dict(),
        unrelated=tuple(p.name for p in analysis.fields.products
                        if p.how == "unrelated" and _product_name(p.name)),
        risk_reason=_risk_reason(analysis.risk.verdict, analysis.evidence),
    )


def from_record(record: Mapping[str, Any]) -> BuyerProfile:
    """A profile from ``records.to_record`` output (the jsonl contract)."""
    buyer = record.get("buyer") or {}
    evidence = [Evidence(rule=e.get("rule", ""), group=e.get("group", ""),
                         reason=e.get("reason", ""), points=e.get("points"),
                         label=e.get("label", ""))
                for e in record.get("evidence") or ()]
    risk = record.get("risk") or "none"
    received = record.get("received")
    return BuyerProfile(
        source=record.get("source", ""),
        grade=record.get("grade") or "E",
        risk=risk,
        intent=record.get("intent") or "not_inquiry",
        business_type=record.get("business_type") or "unknown",
        total=float(record.get("total") or 0),
        name=_person_name(buyer.get("name", "")),
        company=buyer.get("company", ""),
        email=buyer.get("email", ""),
        phones=tuple(buyer.get("phones") or ()),
        country=record.get("country") or "",
        timezone=buyer.get("timezone", ""),
        language=record.get("language") or "",
        subject=record.get("subject") or "",
        received=datetime.fromisoformat(received) if received else None,
        fields=dict(record.get("fields") or {}),
        risk_reason=_risk_reason(risk, evidence),
    )


def _person_name(name: str) -> str:
    """A name fit for a greeting: not an address, not a role mailbox."""
    name = " ".join(name.split())
    return "" if not name or "@" in name else name


def _product_name(name: str) -> bool:
    """A product name fit to repeat to the buyer, not a sentence caught by the extractor."""
    words = name.lower().split()
    return 0 < len(words) <= 5 and not PRONOUNS & set(words)


def _risk_reason(verdict: str, evidence: Any) -> str:
    if verdict == "none":
        return ""
    votes = [e for e in evidence
             if e.group == "risk" and e.label == verdict and (e.points or 0) > 0]
    if not votes:
        return ""
    return max(votes, key=lambda e: e.points).reason
