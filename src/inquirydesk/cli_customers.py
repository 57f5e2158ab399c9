"""The customer archive's commands: ``buyers``, ``outcome``, ``order``, ``reply``, ``call``,
``reactivate``, ``export``, ``report``, ``today``, ``value``.  A thin shell over
``customers``; every command reads ``load_settings()`` and opens ``settings.database``.

``register(app)`` adds them to a Typer app; registering twice changes nothing.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from inquirydesk import customers
from inquirydesk.settings import load_settings
from inquirydesk.store import Store
from inquirydesk.store import buyers as buyer_store
from inquirydesk.store import outcomes as outcome_store

out = Console(soft_wrap=True)
err = Console(stderr=True)
buyers_app = typer.Typer(help="Buyers across mailboxes: list, show, merge, unmerge, suggest.",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    names = {c.name for c in app.registered_commands}
    if "outcome" in names:
        return
    app.add_typer(buyers_app, name="buyers")
    for name, fn in (("outcome", outcome), ("order", order), ("reply", reply), ("call", call),
                     ("reactivate", reactivate), ("export", export), ("report", report),
                     ("today", today), ("value", value)):
        app.command(name)(fn)


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/] {message}")
    raise typer.Exit(1)


def _store() -> Store:
    try:
        return customers.open_store(load_settings())
    except Exception as exc:  # a bad URL or settings file
        _fail(str(exc))


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        _fail(f"not a date: {text!r} (use 2026-09-21 or 2026-09-21T08:00)")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _run(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except (ValueError, buyer_store.BuyerError, outcome_store.OutcomeError) as exc:
        _fail(str(exc))


# ---------------------------------------------------------------------- buyers


@buyers_app.command("list")
def buyers_list(limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 50) -> None:
    """Buyers, the most recently heard from first, with lifecycle, loyalty and value."""
    with _store() as store:
        rows = customers.customers(store, load_settings())[:limit]
    table = Table("id", "name", "company", "email", "country", "inquiries", "orders",
                  "lifecycle", "loyalty", "value")
    for c in rows:
        table.add_row(str(c.id), c.name, c.company, c.email, c.country, str(c.inquiries),
                      str(c.orders), c.lifecycle, c.loyalty or "-", c.value_grade or "-")
    out.print(table)


@buyers_app.command("show")
def buyers_show(buyer: int) -> None:
    """One buyer: keys, inquiries, orders and the merges that made it."""
    with _store() as store:
        info = buyer_store.buyer(store, buyer)
        if info is None:
            _fail(f"no buyer {buyer}")
        merges = buyer_store.merges(store, buyer)
        orders = outcome_store.orders(store, buyer)
        inquiries = [i for i in store.inbox(limit=10_000) if i.buyer_id == buyer]
    out.print(f"[bold]Buyer {info.id}[/]: {info.name} {info.company} <{info.email}> "
              f"{info.country}")
    for kind, value in info.keys:
        out.print(f"  key {kind}: {value}")
    for i in inquiries:
        out.print(f"  inquiry {i.id} {i.received_at:%Y-%m-%d} {i.grade} {i.sender_email} "
                  f"{i.subject}")
    for o in orders:
        out.print(f"  order {o.id} {o.date:%Y-%m-%d} {o.amount:.2f} {o.currency} "
                  f"profit {o.profit:.2f} {o.paid} {o.products}")
    for m in merges:
        how = "by hand" if m.manual else "automatic"
        state = " (undone)" if m.undone_at else ""
        out.print(f"  merge {m.id}: {m.rule} {how}{state}: {m.quote} "
                  f"(inquiries {', '.join(map(str, m.inquiry_ids)) or '-'})")


@buyers_app.command("merge")
def buyers_merge(keep: int, other: int,
                 reason: Annotated[str, typer.Option("--reason")] = "",
                 by: Annotated[str, typer.Option("--by")] = "") -> None:
    """Put buyer OTHER with buyer KEEP (explained; undo with ``buyers unmerge``)."""
    with _store() as store:
        m = _run(buyer_store.merge, store, keep, other, by=by, reason=reason)
    out.print(f"merge {m.id}: buyer {other} into {keep} ({len(m.inquiry_ids)} inquiries, "
              f"{len(m.order_ids)} orders): {m.quote}")


@buyers_app.command("unmerge")
def buyers_unmerge(merge: int, by: Annotated[str, typer.Option("--by")] = "") -> None:
    """Undo merge MERGE (an id from ``buyers show``): the previous grouping comes back."""
    with _store() as store:
        m = _run(buyer_store.unmerge, store, merge, by=by)
    out.print(f"merge {m.id} undone: inquiries {', '.join(map(str, m.inquiry_ids))} "
              f"back with buyer {m.source_buyer_id}")


@buyers_app.command("suggest")
def buyers_suggest() -> None:
    """Buyers that look like one: the same phone, name with company, or company domain."""
    with _store() as store:
        found = buyer_store.suggestions(store)
    if not found:
        out.print("no suggestions")
    for s in found:
        out.print(f"{s.buyer_id} + {s.other_id}: same {s.rule} ({s.quote})")


@buyers_app.command("link")
def buyers_link() -> None:
    """Give every stored inquiry without a buyer its buyer (after an upgrade or import)."""
    with _store() as store:
        n = buyer_store.link_buyers(store)
    out.print(f"{n} inquiries linked")


# ---------------------------------------------------------------------- outcomes, orders


def outcome(inquiry: int,
            result: Annotated[str, typer.Argument(help="won, lost or no_answer")],
            reason: Annotated[str, typer.Option("--reason", help="why it was lost")] = "",
            by: Annotated[str, typer.Option("--by")] = "") -> None:
    """Record how an inquiry ended: won, lost (with --reason) or no_answer."""
    with _store() as store:
        o = _run(outcome_store.set_outcome, store, inquiry, result, reason=reason, by=by)
    out.print(f"inquiry {o.inquiry_id}: {o.result}" + (f" ({o.reason})" if o.reason else ""))


def order(buyer: int,
          amount: Annotated[float, typer.Option("--amount")],
          currency: Annotated[str, typer.Option("--currency")] = "USD",
          profit: Annotated[float, typer.Option("--profit")] = 0.0,
          when: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD")] = None,
          products: Annotated[str, typer.Option("--products")] = "",
          quantity: Annotated[float, typer.Option("--quantity")] = 0.0,
          paid: Annotated[str, typer.Option("--paid", help="on_time, late or unpaid")]
          = "on_time",
          inquiry: Annotated[int | None, typer.Option("--inquiry")] = None) -> None:
    """Record an order a buyer placed."""
    with _store() as store:
        o = _run(outcome_store.add_order, store, buyer, amount=amount, currency=currency,
                 profit=profit, date=_when(when) or datetime.now(UTC), products=products,
                 quantity=quantity, paid=paid, inquiry_id=inquiry)
    out.print(f"order {o.id} for buyer {o.buyer_id}: {o.amount:.2f} {o.currency}")


def _event(inquiry: int, kind: str, at: str | None, by: str, note: str) -> None:
    with _store() as store:
        e = _run(outcome_store.add_event, store, inquiry, kind, at=_when(at), by=by,
                 detail=note)
    out.print(f"inquiry {e.inquiry_id}: {kind} at {e.at:%Y-%m-%d %H:%M} UTC")


def reply(inquiry: int, at: Annotated[str | None, typer.Option("--at")] = None,
          by: Annotated[str, typer.Option("--by")] = "",
          note: Annotated[str, typer.Option("--note")] = "") -> None:
    """Record that we replied to an inquiry (now, or --at)."""
    _event(inquiry, "replied", at, by, note)


def call(inquiry: int, at: Annotated[str | None, typer.Option("--at")] = None,
         by: Annotated[str, typer.Option("--by")] = "",
         note: Annotated[str, typer.Option("--note")] = "") -> None:
    """Record that we called the buyer of an inquiry."""
    _event(inquiry, "called", at, by, note)


# ---------------------------------------------------------------------- lists and reports


def reactivate(since: Annotated[str | None, typer.Option("--since")] = None,
               until: Annotated[str | None, typer.Option("--until")] = None,
               output: Annotated[Path | None, typer.Option("--output", "-o")] = None) -> None:
    """Old inquiries re-graded A/B/C for a re-engagement mailing (seed 002)."""
    with _store() as store:
        rows = customers.reactivate(store, _when(since), _when(until))
    if output is not None:
        customers.reactivation_xlsx(rows, output)
        out.print(f"{len(rows)} inquiries written to {output}")
        return
    table = Table("no", "grade", "name", "mailbox", "company", "country", "date", "lang",
                  "summary")
    for r in rows:
        table.add_row(str(r.number), r.grade, r.name, r.mailbox, r.company, r.country,
                      r.inquiry_date, r.language, r.summary[:60])
    out.print(table)


def export(what: Annotated[str, typer.Argument(help="inquiries or buyers")],
           output: Annotated[Path, typer.Option("--output", "-o")],
           fmt: Annotated[str, typer.Option("--format", "-f", help="xlsx or csv")] = "xlsx"
           ) -> None:
    """Export inquiries or buyers as Excel or CSV."""
    if what not in ("inquiries", "buyers"):
        _fail("export inquiries or buyers")
    with _store() as store:
        if what == "inquiries":
            rows, columns = customers.inquiry_rows(store), customers.INQUIRY_COLUMNS
        else:
            rows, columns = customers.buyer_rows(store, load_settings()), customers.BUYER_COLUMNS
    _run(customers.write_table, rows, columns, fmt, output, sheet=what)
    out.print(f"{len(rows)} {what} written to {output}")


def report(period: Annotated[str, typer.Argument(help="daily, weekly or monthly")],
           day: Annotated[str | None, typer.Option("--date", help="a day in the period")]
           = None,
           fmt: Annotated[str, typer.Option("--format", "-f", help="text, html or xlsx")]
           = "text",
           output: Annotated[Path | None, typer.Option("--output", "-o")] = None) -> None:
    """The daily, weekly or monthly summary of the archive (seed 003)."""
    settings = load_settings()
    try:
        when = date.fromisoformat(day) if day else datetime.now(UTC).date()
    except ValueError:
        _fail(f"not a date: {day!r}")
    if fmt == "xlsx" and output is None:
        _fail("an Excel report needs --output")
    with _store() as store:
        summary = _run(customers.report, store, settings, period, when)
    rendered = _run(customers.render_report, summary, fmt)
    if output is None:
        sys.stdout.write(str(rendered) + "\n")
    elif isinstance(rendered, bytes):
        output.write_bytes(rendered)
    else:
        output.write_text(rendered, encoding="utf-8")
    if output is not None:
        out.print(f"{summary.title} written to {output}")


def today(owner: Annotated[str | None, typer.Option("--owner")] = None) -> None:
    """Today's replies due, follow-ups and calls from the archive."""
    settings = load_settings()
    with _store() as store:
        tasks = customers.today_list(store, settings, owner=owner)
    if not tasks:
        out.print("nothing due today")
    table = Table("inquiry", "task", "due (yours)", "buyer now", "grade", "buyer", "reason")
    for t in tasks:
        table.add_row(t.id, t.kind + (" (overdue)" if t.overdue else ""),
                      f"{t.due_seller_local:%a %m-%d %H:%M}", f"{t.buyer_now:%a %H:%M}",
                      t.grade, t.buyer, t.reason)
    if tasks:
        out.print(table)


def value() -> None:
    """Customer value grades (key / major / ordinary) and the buyers making 80 % of revenue."""
    settings = load_settings()
    with _store() as store:
        rows, top = customers.value_report(store, settings)
    table = Table("buyer", "name", "credit", "amount", "profit", "score", "grade",
                  "revenue USD", "orders")
    for r in rows:
        table.add_row(str(r.buyer_id), r.name or r.company, f"{r.credit:.0f}", f"{r.amount:.0f}",
                      f"{r.profit:.0f}", f"{r.score:.1f}", r.grade, f"{r.revenue_usd:,.2f}",
                      str(r.orders))
    out.print(table)
    out.print(f"80/20: {len(top.top)} of {top.buyers} buyers "
              f"({top.top_share_of_buyers:.0%}) make 80 % of {top.total_usd:,.2f} USD: "
              + ", ".join(f"{t.buyer_id} {t.name}".strip() for t in top.top))
