"""The demo desk: the bundled demo seller's inquiries in an archive, demo people, served.

``inquirydesk demo`` prints the verdicts and then calls ``open_demo_desk``: the demo
inquiries are imported into a fresh SQLite archive (a temporary folder unless
``--data-dir`` keeps one), a manager and the demo seller's three salespeople are added,
new inquiries are assigned by the seller's markets, and the desk is served until Ctrl-C.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from inquirydesk.settings import Settings

DEMO = Path(str(resources.files("inquirydesk") / "demo"))
PASSWORD = "demo"
# (username, role, display name, language): the salespeople are the demo seller's people.
PEOPLE = (("manager", "manager", "Manager Wang", "zh"), ("mandy", "salesperson", "Mandy", "zh"),
          ("jason", "salesperson", "Jason", "en"), ("sunny", "salesperson", "Sunny", "zh"))


@dataclass(frozen=True, slots=True)
class DemoDesk:
    settings: Settings
    inquiries: int
    assigned: int


def prepare(data_dir: Path) -> DemoDesk:
    """The demo archive in ``data_dir``: demo inquiries, people, assignment (idempotent)."""
    from inquirydesk import archive
    from inquirydesk.store import desk

    settings = Settings(data_dir=data_dir, seller=DEMO / "seller.yaml")
    with archive.open_store(settings) as store:  # people first: imports assign to them
        known = {u.username for u in desk.users(store)}
        for name, role, display, language in PEOPLE:
            if name not in known:
                desk.add_user(store, name, PASSWORD, role=role, display_name=display,
                              language=language)
    archive.import_paths(settings, [DEMO], workers=1)
    with archive.open_store(settings) as store:
        items = store.inbox(risk="none", limit=10_000)
        return DemoDesk(settings, len(items), sum(1 for i in items if i.owner))


def open_demo_desk(host: str, port: int, data_dir: Path | None,
                   say: Callable[[str], None] = print) -> None:
    """Prepare the demo archive and serve the desk on it until interrupted."""
    import uvicorn

    from inquirydesk.web import create_app

    with tempfile.TemporaryDirectory(prefix="inquirydesk-demo-") as scratch:
        demo = prepare(data_dir or Path(scratch))
        say(f"\nThe desk holds {demo.inquiries} safe demo inquiries ({demo.assigned} "
            f"assigned by market) in {demo.settings.data_dir}.")
        say(f"Open http://{host}:{port}/ and sign in as manager, mandy, jason or sunny "
            f"(password: {PASSWORD}).  Ctrl-C stops the desk.")
        uvicorn.run(create_app(demo.settings), host=host, port=port, log_level="warning")
