"""``inquirydesk demo`` opens the desk on the demo archive: a real server in a subprocess,
signed in over HTTP; and ``demo_desk.prepare`` on its own (idempotent, people, inquiries)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

import httpx

from inquirydesk.demo_desk import PASSWORD, PEOPLE, prepare
from inquirydesk.store import Store, desk


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_prepare_imports_the_demo_and_adds_its_people_once(tmp_path) -> None:
    first = prepare(tmp_path)
    again = prepare(tmp_path)
    assert first.inquiries >= 15 and again.inquiries == first.inquiries
    assert 0 < first.assigned < first.inquiries  # by the seller's markets; the rest in the pool
    with Store.open(first.settings.database) as store:
        assert [u.username for u in desk.users(store)] == sorted(p[0] for p in PEOPLE)
        assert desk.authenticate(store, "mandy", PASSWORD).role == "salesperson"
        assert desk.authenticate(store, "manager", PASSWORD).sees_all


def test_the_demo_command_serves_the_desk_until_stopped(tmp_path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "inquirydesk", "demo", "--port", str(port),
               "--data-dir", str(tmp_path)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=5) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    login = client.get("/login")
                    break
                except httpx.TransportError:
                    assert server.poll() is None, server.stdout.read()
                    assert time.monotonic() < deadline, "the demo desk did not start"
                    time.sleep(0.2)
            csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
            signed = client.post("/login", data={"username": "manager", "password": PASSWORD,
                                                 "csrf": csrf})
            assert signed.status_code == 303
            inbox = client.get("/api/inbox", params={"status": "all"}).json()
            assert inbox["count"] >= 10
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "sign in as manager" in output
    assert (tmp_path / "inquirydesk.db").is_file()
