"""Assignment rules, the round robin, the pool and the assignment log (store/assign.py).

Every test runs on SQLite and, when reachable, PostgreSQL; the inquiries are the bundled
demo (German, Mexican, Brazilian, Saudi, Turkish ... buyers, and spam, scams, phishing)
or messages written here, judged by the real engine.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from test_store_backends import DEMO, mail, message

from inquirydesk.engine import Engine
from inquirydesk.settings import Assignment, AssignmentRule, Settings
from inquirydesk.sources import iter_inputs
from inquirydesk.store import Store, desk
from inquirydesk.store import assign as assigning

pytest_plugins = ["test_store_backends"]  # the store, store_url and engine fixtures

RISKY = ["spam", "phishing", "scam"]


def _users(store: Store, *names: str) -> None:
    for name in names:
        desk.add_user(store, name, f"{name}-pw", display_name=name.title())


def _rules(engine: Engine, *rules: AssignmentRule, seller_people: bool = True
           ) -> assigning.Rules:
    return assigning.Rules.of(Assignment(rules=list(rules), seller_people=seller_people),
                              engine.seller)


def _owners(store: Store) -> dict[str, str]:
    """Each inquiry's owner by the start of its subject (or its source)."""
    items = store.inbox(limit=200) + store.inbox(risk=RISKY, limit=200)
    return {(i.subject or i.source)[:24]: i.owner for i in items}


def _owner_of(store: Store, subject_start: str) -> str:
    items = store.inbox(limit=200) + store.inbox(risk=RISKY, limit=200)
    return next(i.owner for i in items if i.subject.startswith(subject_start))


DEMO_RULES = (
    AssignmentRule(id="german", owners=["dora"], languages=["de"]),
    AssignmentRule(id="latam", owners=["carl"], markets=["Latin America"]),
    AssignmentRule(id="gulf", owners=["ben"], markets=["sa", "AE"]),
    AssignmentRule(id="pressure", owners=["anna"], products=["Pressure Cookers"]),
    AssignmentRule(id="sets", owners=["anna", "ben"], products=["HX-CS201"]),
)


def test_rules_by_language_market_country_and_product_first_match_wins(
        store: Store, engine: Engine) -> None:
    _users(store, "anna", "ben", "carl", "dora")
    assigning.configure(store, _rules(engine, *DEMO_RULES))
    store.ingest(iter_inputs([DEMO]), engine)
    assert _owner_of(store, "Nachbestellung GN") == "dora"  # German, by language
    assert _owner_of(store, "Cotización") == "carl"  # MX, a Latin American market
    # BR asks for HX-CS201 too, but the Latin America rule comes first
    assert _owner_of(store, "Primeira importação") == "carl"
    assert _owner_of(store, "طلب عرض سعر") == "ben"  # SA, by ISO code
    assert _owner_of(store, "Düdüklü tencere") == "anna"  # the category of HX-PC401
    # Russia asks for a pressure cooker too: the pressure rule comes before the sets rule
    assert _owner_of(store, "Бесплатные образцы") == "anna"
    # HX-CS201 elsewhere goes round, in the order the inquiries were stored
    logged = [assigning.history(store, i.id) for i in store.inbox(limit=200)]
    sets = sorted((e.inquiry_id, e.owner) for entries in logged for e in entries
                  if e.rule == "sets")
    assert len(sets) >= 3
    assert [owner for _, owner in sets] == ["anna", "ben"] * (len(sets) // 2) + (
        ["anna"] if len(sets) % 2 else [])
    # nothing matches a Polish frying pan: the pool
    assert _owner_of(store, "frying pan 28cm") == ""


def test_risky_inquiries_are_never_assigned(store: Store, engine: Engine) -> None:
    _users(store, "anna")
    everything = AssignmentRule(id="all", owners=["anna"])  # no condition: takes all
    assigning.configure(store, _rules(engine, everything))
    store.ingest(iter_inputs([DEMO]), engine)
    risky = store.inbox(risk=RISKY, limit=100)
    assert len(risky) >= 5 and {i.owner for i in risky} == {""}
    assert {i.owner for i in store.inbox(risk="none", limit=100)} == {"anna"}
    assert all(assigning.history(store, i.id) == [] for i in risky)


def test_the_log_says_which_rule_gave_what_to_whom_and_why(store: Store,
                                                           engine: Engine) -> None:
    _users(store, "dora")
    assigning.configure(store, _rules(engine, *DEMO_RULES))
    german = message("Anfrage Bratpfanne", sender="Anna Schmidt <anna@kuechen-handel.de>",
                     body="Sehr geehrte Damen und Herren, wir benötigen 2000 Stück "
                          "Bratpfanne HX-FP301, CIF Hamburg. Mit freundlichen Grüßen")
    store.ingest([mail("de.eml", german)], engine)
    item = store.inbox(limit=5)[0]
    [entry] = assigning.history(store, item.id)
    assert (entry.owner, entry.previous, entry.rule, entry.by) == ("dora", "", "german", "")
    assert entry.reason == "language de" and entry.at is not None
    assert entry.as_dict()["owner"] == "dora"


def test_round_robin_continues_where_it_stopped_after_reopening(store_url: str,
                                                                engine: Engine) -> None:
    shared = AssignmentRule(id="everyone", owners=["anna", "ben", "carl"])
    with Store.open(store_url) as first:
        _users(first, "anna", "ben", "carl")
        assigning.configure(first, _rules(engine, shared))
        first.ingest([mail("1.eml", message("Stockpots one"))], engine)
        first.ingest([mail("2.eml", message("Stockpots two"))], engine)
    with Store.open(store_url) as again:
        assigning.configure(again, _rules(engine, shared))
        again.ingest([mail("3.eml", message("Stockpots three")),
                      mail("4.eml", message("Stockpots four"))], engine)
        owners = {i.subject: i.owner for i in again.inbox(limit=10)}
    assert owners == {"Stockpots one": "anna", "Stockpots two": "ben",
                      "Stockpots three": "carl", "Stockpots four": "anna"}


def test_owned_inquiries_and_pool_releases_are_never_reassigned_by_rules(
        store: Store, engine: Engine) -> None:
    _users(store, "anna", "ben")
    assigning.configure(store, _rules(engine, AssignmentRule(id="all", owners=["anna"])))
    store.ingest([mail("m.eml", message("From the mailbox"))], engine, owner="ben")
    store.ingest([mail("p.eml", message("Into the pool"))], engine)
    owned = {i.subject: i for i in store.inbox(limit=10)}
    assert owned["From the mailbox"].owner == "ben"  # the mailbox's owner stays
    pooled = owned["Into the pool"]
    assert pooled.owner == "anna"
    assigning.reassign(store, pooled.id, "", by="anna", expected="anna")  # released
    # the same message again: known, and still nobody's
    store.ingest([mail("copy.eml", message("Into the pool"))], engine)
    assert store.get(pooled.id).item.owner == ""
    assert [(a.owner, a.by) for a in assigning.history(store, pooled.id)] == [
        ("anna", ""), ("", "anna")]


def test_a_hand_change_fails_when_someone_else_was_quicker(store: Store,
                                                           engine: Engine) -> None:
    _users(store, "anna", "ben")
    store.ingest([mail("a.eml", message("Claim me"))], engine)
    found = store.inbox(limit=1)[0]
    assigning.reassign(store, found.id, "anna", by="anna", expected="")
    with pytest.raises(assigning.Taken):
        assigning.reassign(store, found.id, "ben", by="ben", expected="")
    assert store.get(found.id).item.owner == "anna"


def test_the_seller_profiles_people_are_the_default_rules(store: Store,
                                                          engine: Engine) -> None:
    # Mandy by username, Jason by display name; Sunny has no desk user
    desk.add_user(store, "mandy", "pw")
    desk.add_user(store, "hjj", "pw", display_name="Jason")
    assigning.configure(store, _rules(engine))
    store.ingest(iter_inputs([DEMO]), engine)
    assert _owner_of(store, "Nachbestellung GN") == "mandy"  # Germany
    assert _owner_of(store, "Cotización") == "hjj"  # Mexico
    assert _owner_of(store, "RE: Quotation") == "hjj"  # Australia
    assert _owner_of(store, "طلب عرض سعر") == ""  # Saudi Arabia is Sunny's
    [entry] = assigning.history(store, next(i.id for i in store.inbox(limit=100)
                                            if i.subject.startswith("Nachbestellung")))
    assert entry.rule == "seller:mandy" and entry.reason.startswith("country DE is in")


def test_no_rules_and_no_seller_people_leaves_everything_in_the_pool(
        store: Store, engine: Engine) -> None:
    _users(store, "mandy", "jason")
    assigning.configure(store, _rules(engine, seller_people=False))
    store.ingest(iter_inputs([DEMO]), engine)
    assert set(_owners(store).values()) == {""}


def test_unknown_owners_are_left_out_and_unconfigured_stores_assign_nothing(
        store: Store, engine: Engine) -> None:
    _users(store, "anna")
    ghost = AssignmentRule(id="ghost", owners=["nobody"])
    fallback = AssignmentRule(id="rest", owners=["nobody", "anna"])
    assigning.configure(store, _rules(engine, ghost, fallback))
    store.ingest([mail("a.eml", message("First"))], engine)
    assigning.configure(store, None)
    store.ingest([mail("b.eml", message("Second"))], engine)
    owners = {i.subject: i.owner for i in store.inbox(limit=10)}
    assert owners == {"First": "anna", "Second": ""}


def test_disabled_users_get_nothing_from_rules(store: Store, engine: Engine) -> None:
    _users(store, "anna", "ben")
    desk.set_disabled(store, "anna")
    shared = AssignmentRule(id="both", owners=["anna", "ben"])
    assigning.configure(store, _rules(engine, shared))
    store.ingest([mail("a.eml", message("One")), mail("b.eml", message("Two"))], engine)
    assert {i.owner for i in store.inbox(limit=10)} == {"ben"}


def test_assignment_settings_are_checked() -> None:
    with pytest.raises(ValidationError, match="unique"):
        Assignment(rules=[AssignmentRule(id="a", owners=["x"]),
                          AssignmentRule(id="a", owners=["y"])])
    with pytest.raises(ValidationError, match="owner"):
        AssignmentRule(id="a", owners=[" "])
    settings = Settings(assignment={"rules": [{"id": "eu", "owners": ["mandy"],
                                               "markets": ["Europe"]}]})
    assert settings.assignment.rules[0].markets == ["Europe"]
    assert Settings().assignment.seller_people is True
