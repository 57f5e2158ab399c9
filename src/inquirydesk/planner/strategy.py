"""The reply strategy for one inquiry: what to answer, what to ask, how soon, how to follow.

Seeds 000, 002 and 004 say what each kind of buyer gets (``docs/planner.md``):

- grade A (and a grade-B ready buyer): confirm quality, quantity and lead time (质、量、时),
  a sound price with room to bargain, a proforma invoice (PI) as soon as they confirm;
  reply today;
- market entry: ask about their market and positioning, recommend fitting products;
- information gathering: a targeted reply with the price list, light follow-up;
- vague inquiries and sample hunters: a quick acknowledgement, open questions to test
  intent, samples against a sample or courier fee;
- a rival fishing for prices: a guarded reply, no price sheet;
- a product we do not make: say so, show what we do make;
- spam, phishing, scam: no reply, with the reason; the inquiry is kept, hidden.

A plan is data: a strategy id, a one-line reason, the points to answer (what the buyer
asked, with their words) and the topics to ask about (what they did not say).  Drafts
render it; nothing here writes prose beyond the reason line.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from inquirydesk.model import Analysis
from inquirydesk.planner.profile import TOPICS, BuyerProfile, from_analysis
from inquirydesk.settings import Settings

# The five things every reply asks for when the buyer left them out (seed 002: "answer the
# questions asked and the ones they forgot"), and when they need the goods.
TRADE_QUESTIONS = ("quantity", "port", "incoterm", "payment", "certificates")
# Questions about the buyer rather than the order; always asked where a strategy lists them.
OPEN_QUESTIONS = ("market", "positioning", "channel", "company", "website")

QUALITY_FIRST = frozenset({"manufacturer", "project_contractor", "oem_brand", "chain_store"})
MARGIN_FIRST = frozenset({"importer", "wholesaler", "distributor", "trading_company", "agent",
                          "ecommerce_seller", "retailer"})


@dataclass(frozen=True, slots=True)
class Strategy:
    id: str
    reply: bool
    actions: tuple[str, ...]  # the steps, as ids a template or a UI can name
    ask: tuple[str, ...]  # topics asked about when the buyer did not say them
    answer: tuple[str, ...]  # topics answered when the buyer did say them
    follow_up: str  # "standard", "light" or "none" ("close" for grade A, see plan())
    price_sheet: bool  # whether the reply carries prices
    emphasis: bool = False  # whether the letter leads with what this business type values


STRATEGIES: dict[str, Strategy] = {s.id: s for s in (
    Strategy("close_deal", True,
             ("confirm_quality", "confirm_quantity", "confirm_lead_time", "price_with_room",
              "pi_next", "reply_today"),
             (*TRADE_QUESTIONS, "delivery"), TOPICS, "standard", True, True),
    Strategy("market_entry", True,
             ("ask_market", "ask_positioning", "recommend_products", "explain_terms"),
             ("market", "positioning", "channel", "quantity", "port", "certificates"),
             TOPICS, "standard", False),
    Strategy("price_list", True,
             ("targeted_answers", "send_price_list", "light_follow_up"),
             TRADE_QUESTIONS, TOPICS, "light", True, True),
    Strategy("quick_ack", True,
             ("acknowledge", "price_list_follows", "open_questions", "samples_against_fee"),
             ("company", "products", "quantity", "market"),
             ("products", "quantity", "sample"), "light", False),
    Strategy("guarded", True,
             ("guarded_reply", "no_price_sheet", "verify_buyer"),
             ("company", "website", "market", "quantity"), ("products",), "none", False),
    Strategy("not_our_line", True,
             ("say_not_made", "show_range", "ask_interest"),
             ("products",), ("products", "unrelated"), "none", False),
    Strategy("no_reply", False, ("keep_hidden", "report"), (), (), "none", False),
)}


@dataclass(frozen=True, slots=True)
class Point:
    """One thing the buyer asked or stated, to be answered point by point."""

    topic: str  # one of profile.TOPICS, or "unrelated"
    said: str  # the buyer's words ("600 sets; 1,500 sets"); for sample: request/pays/free
    values: tuple[str, ...] = ()  # list topics: catalog ids, certificates, product names


@dataclass(frozen=True, slots=True)
class ReplyPlan:
    source: str
    strategy: str
    reply: bool
    reason: str  # one line a salesperson reads
    grade: str
    intent: str
    business_type: str
    risk: str
    language: str
    answers: tuple[Point, ...]
    questions: tuple[str, ...]
    actions: tuple[str, ...]
    emphasis: str  # "quality", "margin", "service" or ""
    price_sheet: bool
    samples_against_fee: bool
    reply_within_hours: int | None  # None: no reply
    follow_up: str  # "close", "standard", "light", "none"
    hidden: bool  # risky: kept, never shown in the day's list

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def plan(analysis: Analysis, settings: Settings) -> ReplyPlan:
    """The reply plan for one analysed inquiry."""
    return plan_profile(from_analysis(analysis), settings)


def plan_profile(profile: BuyerProfile, settings: Settings) -> ReplyPlan:
    strategy, why = choose(profile)
    s = STRATEGIES[strategy]
    answers = _answers(profile, s)
    hours = None
    if s.reply:
        ab = profile.grade in ("A", "B")
        f = settings.follow_up
        hours = f.first_reply_hours_ab if ab else f.first_reply_hours
    follow_up = "close" if s.follow_up != "none" and profile.grade == "A" else s.follow_up
    return ReplyPlan(
        source=profile.source, strategy=strategy, reply=s.reply, reason=why,
        grade=profile.grade, intent=profile.intent, business_type=profile.business_type,
        risk=profile.risk, language=profile.language, answers=answers,
        questions=_questions(profile, s), actions=s.actions,
        emphasis=_emphasis(profile.business_type) if s.emphasis else "",
        price_sheet=s.price_sheet,
        samples_against_fee=s.reply and ("samples_against_fee" in s.actions
                                         or profile.fields.get("sample") == "free"),
        reply_within_hours=hours, follow_up=follow_up, hidden=profile.risky)


def choose(profile: BuyerProfile) -> tuple[str, str]:
    """The strategy id and the one-line reason for it, first rule that fits."""
    grade, intent = profile.grade, profile.intent
    who = _who(profile)
    if profile.risky:
        because = profile.risk_reason or "the risk signals outweigh the buyer signals"
        return "no_reply", (f"{profile.risk.capitalize()}: {_sentence(because)} "
                            "No reply; kept, hidden.")
    if intent == "not_inquiry":
        return "no_reply", "Not an inquiry: no product and no request to answer."
    if intent == "competitor_probe":
        return "guarded", (f"Grade {grade}, looks like a rival fishing for prices: a guarded "
                           "reply asking who they are; no price sheet.")
    if grade == "A" or (grade == "B" and intent == "ready_buyer"):
        return "close_deal", (f"Grade {grade}, {who}: confirm quality, quantity and lead time, "
                              "quote with room to bargain, PI as soon as they confirm.")
    if intent == "irrelevant" or (profile.unrelated and not profile.fields.get("products")):
        return "not_our_line", ("Asks for products we do not make: say so politely and show "
                                "what we do make.")
    if intent == "market_entry":
        return "market_entry", (f"Grade {grade}, {who}: ask about their market and positioning, "
                                "then recommend fitting products.")
    if intent == "sample_hunter":
        return "quick_ack", (f"Grade {grade}, sample hunter: a quick acknowledgement, open "
                             "questions, samples only against a sample or courier fee.")
    if grade == "E" or _vague(profile):
        return "quick_ack", (f"Grade {grade}, vague inquiry: a quick acknowledgement and open "
                             "questions to test the intent.")
    return "price_list", (f"Grade {grade}, {who}: a targeted reply with the price list, "
                          "then light follow-up.")


def _who(profile: BuyerProfile) -> str:
    intent = profile.intent.replace("_", " ")
    if profile.business_type == "unknown":
        return intent
    return f"{intent} ({profile.business_type.replace('_', ' ')})"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _vague(profile: BuyerProfile) -> bool:
    return not profile.fields.get("products") and not profile.fields.get("quantity")


def _answers(profile: BuyerProfile, s: Strategy) -> tuple[Point, ...]:
    points = []
    for topic in TOPICS:
        value = profile.fields.get(topic)
        if topic not in s.answer or not value:
            continue
        if isinstance(value, list | tuple):
            points.append(Point(topic, ", ".join(value), tuple(value)))
        else:
            points.append(Point(topic, str(value)))
    if "unrelated" in s.answer and profile.unrelated:
        points.append(Point("unrelated", ", ".join(profile.unrelated), profile.unrelated))
    return tuple(points)


def _questions(profile: BuyerProfile, s: Strategy) -> tuple[str, ...]:
    asked = []
    for topic in s.ask:
        if topic in OPEN_QUESTIONS:
            if topic != "company" or not profile.company or s.id == "guarded":
                asked.append(topic)
        elif not profile.fields.get(topic):
            asked.append(topic)
    return tuple(asked)


def _emphasis(business_type: str) -> str:
    """Seed 002: a factory buying parts cares for quality first, a trader for its margin."""
    if business_type in QUALITY_FIRST:
        return "quality"
    if business_type in MARGIN_FIRST:
        return "margin"
    if business_type == "consumer":
        return "service"
    return ""
