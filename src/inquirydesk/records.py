"""The stable JSON form of an analysis: the ``jsonl`` contract of ``inquirydesk analyze``.

One object per inquiry with the keys ``source``, ``risk``, ``intent``,
``business_type``, ``grade``, ``total``, ``probability``, ``items``, ``country``,
``language``, ``fields``, ``evidence``; plus ``buyer``, ``received``, ``defects`` and
``rulebook``.  Keys are only ever added, never renamed.
"""

from __future__ import annotations

from typing import Any

from inquirydesk.model import Analysis, Identity
from inquirydesk.pipeline.signals import identity_country

GRADE_ORDER = {g: i for i, g in enumerate("ABCDE")}
RISK_ORDER = {"none": 0, "spam": 1, "scam": 2, "phishing": 3}


def to_record(analysis: Analysis) -> dict[str, Any]:
    inquiry, score = analysis.inquiry, analysis.score
    return {
        "source": inquiry.source,
        "risk": analysis.risk.verdict,
        "intent": analysis.classification.intent,
        "business_type": analysis.classification.business_type,
        "grade": score.grade,
        "total": score.total,
        "probability": score.probability,
        "items": dict(score.items),
        "country": identity_country(analysis.identity),
        "language": analysis.identity.language,
        "fields": analysis.fields.as_dict(),
        "evidence": [e.as_dict() for e in analysis.evidence],
        "buyer": _buyer(analysis.identity),
        "subject": inquiry.subject,
        "received": inquiry.date.isoformat() if inquiry.date else None,
        "defects": list(inquiry.defects),
        "rulebook": analysis.rulebook_hash,
    }


def _buyer(identity: Identity) -> dict[str, Any]:
    out = {
        "name": identity.name,
        "title": identity.title,
        "company": identity.company,
        "email": identity.email,
        "website": identity.website,
        "phones": [p.e164 or p.raw for p in identity.phones],
        "local_time_sent": identity.local_sent.isoformat() if identity.local_sent else None,
        "timezone": identity.timezone,
    }
    return {k: v for k, v in out.items() if v}


def priority(analysis: Analysis) -> tuple:
    """Sort key: what deserves attention first (safe before risky, best grade, highest total)."""
    return (RISK_ORDER[analysis.risk.verdict] > 0, GRADE_ORDER[analysis.score.grade],
            -analysis.score.total, analysis.inquiry.source)
