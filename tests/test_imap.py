"""IMAP against a real server on loopback: pymap (pure Python, in-memory ``dict`` backend,
no demo data), started by these tests.  Messages are APPENDed with imaplib, then fetched
through ``mailboxes``.  Plain IMAP, STARTTLS (pymap with a self-signed certificate made
by ``openssl``) and implicit TLS (a TLS-terminating proxy in front of pymap) are all
exercised; the TLS tests are skipped where ``openssl`` is missing."""

from __future__ import annotations

import asyncio
import imaplib
import logging
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_store_backends import message
from test_store_bounces import DSN

from inquirydesk import mailboxes
from inquirydesk.engine import Engine
from inquirydesk.settings import Mailbox, Settings
from inquirydesk.sources import imap
from inquirydesk.store import Store

USER = "sales@hengxin-kitchenware.com"
PASSWORD = "Tr1cky-Pa55word!"

pytest_plugins = ["test_store_backends"]  # the store, store_url and engine fixtures


# --------------------------------------------------------------------------- servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pymap exited: {process.stderr.read() if process.stderr else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("pymap did not start listening")


@pytest.fixture(scope="module")
def pymap_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[callable]:
    """Starts pymap servers on free ports; returns a function (extra args) -> port."""
    executable = Path(sys.executable).with_name("pymap")
    if not executable.exists():
        pytest.skip("pymap is not installed (pip install -e '.[dev]')")
    processes: list[subprocess.Popen] = []

    def start(*options: str) -> int:
        port = _free_port()
        process = subprocess.Popen(
            [str(executable), "--host", "127.0.0.1", "--port", str(port), *options, "dict",
             "--demo-user", USER, "--demo-password", PASSWORD],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        processes.append(process)
        _wait_for(port, process)
        return port

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def plain_port(pymap_server) -> int:
    return pymap_server("--no-tls")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate for the TLS tests")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture
def trusting(certificate) -> ssl.SSLContext:
    """A client context that trusts the test certificate (and verifies it)."""
    return ssl.create_default_context(cafile=str(certificate[0]))


class TlsProxy:
    """Implicit TLS (IMAPS) in front of a plain server: pymap speaks only STARTTLS."""

    def __init__(self, target: int, certificate: tuple[Path, Path]):
        self.target = target
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(str(certificate[0]), str(certificate[1]))
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait(10)

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(
            self._handle, "127.0.0.1", 0, ssl=self.context))
        self.port = self.server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1",
                                                                         self.target)

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, ssl.SSLError):
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    def close(self) -> None:
        async def shutdown() -> None:
            self.server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


# --------------------------------------------------------------------------- helpers


def _admin(port: int) -> imaplib.IMAP4:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login(USER, PASSWORD)
    return client


def new_folder(port: int, *messages: bytes) -> str:
    name = f"Inquiries-{uuid.uuid4().hex[:8]}"
    client = _admin(port)
    client.create(name)
    for data in messages:
        client.append(name, None, None, data)
    client.logout()
    return name


def append(port: int, folder: str, *messages: bytes) -> None:
    client = _admin(port)
    for data in messages:
        client.append(folder, None, None, data)
    client.logout()


def recreate(port: int, folder: str, *messages: bytes) -> None:
    """Delete the folder and make it again: the server gives it a new UIDVALIDITY."""
    client = _admin(port)
    client.delete(folder)
    client.create(folder)
    client.logout()
    append(port, folder, *messages)


def flags(port: int, folder: str) -> list[str]:
    client = _admin(port)
    client.select(folder, readonly=True)
    _, data = client.uid("FETCH", "1:*", "(FLAGS)")
    client.logout()
    return [item.decode() for item in data if item]


def settings_for(port: int, *folders: str, tmp_path: Path, name: str = "sales",
                 **options) -> Settings:
    box = Mailbox(name=name, host="127.0.0.1", port=port, security=options.pop("security",
                                                                              "none"),
                  username=USER, password=options.pop("password", PASSWORD),
                  folders=list(folders), **options)
    return Settings(data_dir=tmp_path, mailboxes=[box])


def quote(n: int, **kw) -> bytes:
    return message(f"Stockpots HX-SP101, order {n}", message_id=f"<imap-{n}-{uuid.uuid4()}@t>",
                   **kw)


# --------------------------------------------------------------------------- fetching


def test_fetch_takes_new_mail_once_and_then_only_what_arrived(
        plain_port: int, store: Store, engine: Engine, tmp_path: Path) -> None:
    folder = new_folder(plain_port, quote(1), quote(2))
    settings = settings_for(plain_port, folder, tmp_path=tmp_path, owner="Mandy")
    first = mailboxes.fetch_all(settings, store, engine)
    assert first.errors == [] and (first.total.new, first.total.known) == (2, 0)
    assert {i.owner for i in store.inbox()} == {"Mandy"}
    assert all(i.source.startswith(f"imap://sales/{folder};UIDVALIDITY=") for i in store.inbox())
    append(plain_port, folder, quote(3))
    second = mailboxes.fetch_all(settings, store, engine)
    assert (second.total.new, second.total.seen) == (1, 1)  # only the new UID was fetched
    third = mailboxes.fetch_all(settings, store, engine)
    assert third.total.seen == 0
    assert store.stats()["inquiries"] == 3
    uids = store.uid_fingerprints(mailboxes.account_key(settings.mailboxes[0]), folder)
    assert len(uids) == 3 and all(fp.startswith("msg:") for fp in uids.values())


def test_the_same_message_in_two_folders_is_one_inquiry(plain_port: int, store: Store,
                                                        engine: Engine, tmp_path: Path) -> None:
    data = quote(7)
    inbox, archive = new_folder(plain_port, data), new_folder(plain_port, data)
    result = mailboxes.fetch_all(settings_for(plain_port, inbox, archive, tmp_path=tmp_path),
                                 store, engine)
    assert (result.total.new, result.total.known) == (1, 1)


def test_fetch_is_read_only_on_the_server(plain_port: int, store: Store, engine: Engine,
                                          tmp_path: Path) -> None:
    folder = new_folder(plain_port, quote(1), quote(2))
    before = flags(plain_port, folder)
    mailboxes.fetch_all(settings_for(plain_port, folder, tmp_path=tmp_path), store, engine)
    after = flags(plain_port, folder)
    assert after == before and not any("\\Seen" in f for f in after)


def test_fetch_marks_seen_only_when_allowed(plain_port: int, store: Store, engine: Engine,
                                            tmp_path: Path) -> None:
    folder = new_folder(plain_port, quote(1))
    settings = settings_for(plain_port, folder, tmp_path=tmp_path, read_only=False)
    mailboxes.fetch_all(settings, store, engine)
    assert all("\\Seen" in f for f in flags(plain_port, folder))


def test_a_changed_uidvalidity_fetches_the_folder_again_without_doubling(
        plain_port: int, store: Store, engine: Engine, tmp_path: Path) -> None:
    one, two, three = quote(1), quote(2), quote(3)
    folder = new_folder(plain_port, one, two)
    settings = settings_for(plain_port, folder, tmp_path=tmp_path)
    assert mailboxes.fetch_all(settings, store, engine).total.new == 2
    recreate(plain_port, folder, one, two, three)
    result = mailboxes.fetch_all(settings, store, engine)
    [folder_result] = result.folders
    assert folder_result.refetched
    assert (result.total.new, result.total.known) == (1, 2)
    assert store.stats()["inquiries"] == 3
    account = mailboxes.account_key(settings.mailboxes[0])
    assert len(store.uid_fingerprints(account, folder)) == 3  # the old UIDs are gone


def test_fetching_three_times_keeps_one_record_each(plain_port: int, store: Store,
                                                    engine: Engine, tmp_path: Path) -> None:
    folder = new_folder(plain_port, quote(1), quote(2), DSN)
    settings = settings_for(plain_port, folder, tmp_path=tmp_path)
    results = [mailboxes.fetch_all(settings, store, engine).total for _ in range(3)]
    assert [(r.new, r.bounces) for r in results] == [(2, 1), (0, 0), (0, 0)]
    assert store.stats() == {"inquiry": 2, "bounce": 1, "inquiries": 2,
                             "bouncing_addresses": 1}
    assert store.is_bouncing("old.buyer@gone-importer.com")


def test_a_mailbox_that_fails_does_not_stop_the_others(plain_port: int, store: Store,
                                                       engine: Engine, tmp_path: Path) -> None:
    folder = new_folder(plain_port, quote(1))
    good = settings_for(plain_port, folder, "No-Such-Folder", tmp_path=tmp_path).mailboxes[0]
    down = Mailbox(name="down", host="127.0.0.1", port=_free_port(), security="none",
                   username=USER, password=PASSWORD)
    result = mailboxes.fetch_all(Settings(data_dir=tmp_path, mailboxes=[down, good]), store,
                                 engine)
    assert result.total.new == 1
    assert [e.split(":")[0] for e in result.errors] == ["down/INBOX", "sales/No-Such-Folder"]


def test_watch_fetches_round_after_round(plain_port: int, store: Store, engine: Engine,
                                         tmp_path: Path) -> None:
    folder = new_folder(plain_port, quote(1))
    settings = settings_for(plain_port, folder, tmp_path=tmp_path)
    seen: list[int] = []

    def after_round(result: mailboxes.FetchSummary) -> None:
        seen.append(result.total.new)
        append(plain_port, folder, quote(10 + len(seen)))  # mail arrives meanwhile

    rounds = mailboxes.watch(settings, store, engine, interval=0.05, rounds=3,
                             on_round=after_round)
    assert rounds == 3 and seen == [1, 1, 1]
    stop = threading.Event()
    stop.set()
    assert mailboxes.watch(settings, store, engine, interval=60, stop=stop) == 0


# --------------------------------------------------------------------------- credentials


def test_credentials_are_never_logged_or_printed(
        plain_port: int, store: Store, engine: Engine, tmp_path: Path,
        caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    folder = new_folder(plain_port, quote(1))
    right = settings_for(plain_port, folder, "Missing", tmp_path=tmp_path)
    wrong = settings_for(plain_port, folder, tmp_path=tmp_path, name="wrong",
                         password=PASSWORD + "-wrong")
    outcomes = [mailboxes.fetch_all(right, store, engine),
                mailboxes.fetch_all(wrong, store, engine)]
    assert outcomes[0].total.new == 1
    assert "cannot log in" in outcomes[1].errors[0]
    printed = capsys.readouterr()
    everything = "\n".join([caplog.text, printed.out, printed.err,
                            *(e for o in outcomes for e in o.errors),
                            repr(right), repr(wrong), str(right.mailboxes[0])])
    assert "sales" in caplog.text  # the mailbox is named by its name ...
    assert PASSWORD not in everything  # ... never by its password
    assert USER not in caplog.text


def test_a_password_in_a_server_message_is_blanked() -> None:
    assert imap.scrub(RuntimeError(f"LOGIN {USER} {PASSWORD} rejected"), PASSWORD) == (
        f"LOGIN {USER} *** rejected")


# --------------------------------------------------------------------------- security


def test_security_chooses_the_connection() -> None:
    def box(security: str, host: str = "imap.example.com") -> Mailbox:
        return Mailbox(name="m", host=host, security=security, username="u", password="p")

    assert issubclass(imap.client_class(box("tls")), imap.MailBox)
    assert issubclass(imap.client_class(box("starttls")), imap.MailBoxStartTls)
    assert issubclass(imap.client_class(box("none", "127.0.0.1")), imap.MailBoxUnencrypted)
    assert issubclass(imap.client_class(box("none", "localhost")), imap.MailBoxUnencrypted)
    assert issubclass(imap.client_class(box("none", "::1")), imap.MailBoxUnencrypted)
    with pytest.raises(imap.ImapError, match="only allowed for a server on this machine"):
        imap.client_class(box("none"))
    with pytest.raises(imap.ImapError, match="security must be one of"):
        imap.client_class(box("ssl3"))


def test_starttls_against_the_real_server(pymap_server, certificate, trusting: ssl.SSLContext,
                                          store: Store, engine: Engine, tmp_path: Path) -> None:
    port = pymap_server("--cert", str(certificate[0]), "--key", str(certificate[1]))
    folder = new_folder_starttls(port, trusting, quote(1))
    settings = settings_for(port, folder, tmp_path=tmp_path, security="starttls")
    assert mailboxes.fetch_all(settings, store, engine, ssl_context=trusting).total.new == 1
    # An unverifiable certificate is refused, and said so.
    refused = mailboxes.fetch_all(settings, store, engine)
    assert "CERTIFICATE_VERIFY_FAILED" in refused.errors[0]


def new_folder_starttls(port: int, context: ssl.SSLContext, *messages: bytes) -> str:
    name = f"Inquiries-{uuid.uuid4().hex[:8]}"
    client = imaplib.IMAP4("127.0.0.1", port)
    client.starttls(context)
    client.login(USER, PASSWORD)
    client.create(name)
    for data in messages:
        client.append(name, None, None, data)
    client.logout()
    return name


def test_implicit_tls_through_a_proxy(plain_port: int, certificate, trusting: ssl.SSLContext,
                                      store: Store, engine: Engine, tmp_path: Path) -> None:
    proxy = TlsProxy(plain_port, certificate)
    try:
        folder = new_folder(plain_port, quote(1), quote(2))
        settings = settings_for(proxy.port, folder, tmp_path=tmp_path, security="tls")
        assert mailboxes.fetch_all(settings, store, engine, ssl_context=trusting).total.new == 2
    finally:
        proxy.close()
