"""press mail against a real SMTP server on 127.0.0.1 (aiosmtpd): what each journalist gets, once, whatever happens."""

from __future__ import annotations

import asyncio
import email
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from lxml import html

from conftest import ROOT, SITE, export, png, press, release, write_tree
from pipeline.mail.recipients import read_recipients

MAIL = """\
mail:
  from: Testkommunen <press@example.org>
  reply_to: kommunikation@example.org
  unsubscribe: mailto:press+avregistrera@example.org
"""
RELEASE = release(
    "title: Ny bro över Nissan\ndate: 2026-11-26T09:00:00+01:00\nlead: En bro för gående.\n"
    "image: {src: bro.png, alt: Bron en vinterdag, caption: Den nya bron., credit: 'Foto: Anna Berg'}\n"
    "attachments: [{src: beslut.pdf, title: Beslutet}]\n"
    "contacts: [{name: Per Ek, role: projektledare, phone: 035-13 70 00, email: per.ek@example.org}]\n",
    "Bron öppnar i dag.\n\n![Karta över bron](karta.png)\n\n## Mer\n\nLäs [mer](https://example.org/bro).\n",
)
NOW = "2026-11-26T12:00:00+01:00"
PEOPLE = [(f"person{n}@example.org", f"Person {n}") for n in range(1, 7)]


class Inbox:
    """What the server received; it can refuse addresses, and hold the n-th message until told to go on."""

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse: set[str] = set()
        self.hold_at: int | None = None
        self.held, self.go_on = threading.Event(), threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hold_at is not None and len(self.messages) == self.hold_at:
            self.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self.go_on.wait, 60)
            return "451 4.3.0 the client went away before the end of the message"
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"

    def parsed(self) -> list[email.message.EmailMessage]:
        # Line ends are CRLF on the wire; a mail program stores the message with its own.
        return [email.message_from_bytes(data.replace(b"\r\n", b"\n"), policy=policy.default) for _, data in self.messages]

    def addresses(self) -> list[str]:
        return [address for to, _ in self.messages for address in to]


@pytest.fixture
def smtp():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.address, inbox.controller = f"127.0.0.1:{port}", controller
    yield inbox
    inbox.go_on.set()
    inbox.controller.stop(no_assert=True)


@pytest.fixture
def room(project):
    """A press room with mail settings, one published release with images and an attachment, and a list."""
    write_tree(project, {
        "sources/site.yaml": SITE + MAIL,
        "sources/2026/bro.md": RELEASE, "sources/2026/bro.png": png(80, 50), "sources/2026/karta.png": png(60, 40),
        "sources/2026/beslut.pdf": b"%PDF-1.4\n%%EOF\n",
        "list.csv": "email;name\n" + "".join(f"{a};{n}\n" for a, n in PEOPLE),
    })
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    return project


def mail(*args: str, expect: int = 0):
    return press("mail", *args, expect=expect)


def test_each_journalist_gets_the_release_as_published_once(room, smtp):
    run = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--per-minute", "10000", "--now", NOW)
    assert run.stdout.strip().endswith("6 sent, 0 skipped (sent before), 0 failed")
    assert sorted(smtp.addresses()) == sorted(a for a, _ in PEOPLE), "one message to each, each to one"
    published_pdf = (room / "dist/2026/bro/bro.pdf").read_bytes()
    ids = set()
    for message, (address, name) in zip(smtp.parsed(), PEOPLE, strict=True):
        assert message["Subject"] == "Ny bro över Nissan"
        assert message["To"].addresses[0].addr_spec == address and message["To"].addresses[0].display_name == name
        assert message["From"] == "Testkommunen <press@example.org>"
        assert message["Reply-To"] == "kommunikation@example.org"
        assert message["Content-Language"] == "sv"
        assert message["List-Unsubscribe"] == "<mailto:press+avregistrera@example.org>"
        assert message["Message-ID"].strip().startswith("<bro.v1.") and message["Message-ID"].strip().endswith("@press.example.org>")
        ids.add(message["Message-ID"])
        assert message.get_content_type() == "multipart/mixed"
        alternative, attachment = message.get_payload()
        assert alternative.get_content_type() == "multipart/alternative"
        plain, related = alternative.get_payload()
        wire, footer = plain.get_content().split("\n-- \n")
        assert wire == (room / "dist/2026/bro/bro.txt").read_text("utf-8"), "the wire text as published"
        assert footer.split("\n")[:3] == [
            "Det är publicerat på https://press.example.org/2026/bro/",
            "Du får det här eftersom du finns på pressutskickslistan hos Testkommunen.",
            "Avsluta prenumerationen: press+avregistrera@example.org"]
        assert related.get_content_type() == "multipart/related"
        assert attachment.get_filename() == "bro.pdf" and attachment.get_content() == published_pdf
        page, *images = related.get_payload()
        carried = {part["Content-ID"].strip().strip("<>"): part.get_content() for part in images}
        # the images as published for the web, never the sources with what the camera wrote in them
        assert sorted(carried.values()) == sorted((room / "dist/2026/bro" / name).read_bytes()
                                                  for name in ("bro-80.png", "karta-60.png"))
        check_mail_html(page.get_content(), carried)
    assert len(ids) == 6

    again = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--now", NOW)
    assert again.stdout.strip().endswith("0 sent, 6 skipped (sent before), 0 failed") and len(smtp.messages) == 6

    # The list is personal data: the send log keeps the addresses alone, for its owner; the cache keeps none.
    log = room / ".mail-log.sqlite"
    assert oct(log.stat().st_mode & 0o777) == "0o600"
    rows = sqlite3.connect(log).execute("SELECT * FROM sent").fetchall()
    assert len(rows) == 6 and not any("Person" in str(value) for row in rows for value in row)
    for path in [*(room / ".cache").rglob("*"), *(room / "dist").rglob("*")]:
        if path.is_file():
            assert b"person1@example.org" not in path.read_bytes(), path


def check_mail_html(text: str, carried: dict[str, bytes]) -> None:
    """The rules of the pages, for a mail program: no script, no remote image, every image described, every link
    one a reader can follow; styles on the elements, as mail programs drop style sheets."""
    tree = html.fromstring(text)
    assert not tree.xpath("//script|//style|//link|//iframe|//object|//embed|//form|//@*[starts-with(name(), 'on')]")
    for image in tree.iter("img"):
        assert image.get("src").startswith("cid:") and image.get("src")[4:] in carried, "carried in the message"
        assert image.get("alt"), "described"
    for link in tree.xpath("//a/@href"):
        assert urlsplit(link).scheme in ("https", "http", "mailto", "tel"), link
    hrefs = tree.xpath("//a/@href")
    assert "https://press.example.org/2026/bro/beslut.pdf" in hrefs, "an attachment is linked where it is published"
    assert "https://press.example.org/2026/bro/" in hrefs and "tel:035137000" in hrefs
    assert tree.xpath("//h1")[0].text_content() == "Ny bro över Nissan" and tree.get("lang") == "sv"
    assert all(p.get("style") for p in tree.iter("p", "h2", "table")), "styled on the element"


def test_a_refused_address_stops_no_one_else_and_is_said_at_its_row(room, smtp):
    smtp.refuse.add("person3@example.org")
    run = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--per-minute", "10000",
               "--now", NOW, expect=1)
    assert sorted(smtp.addresses()) == sorted(a for a, _ in PEOPLE if a != "person3@example.org")
    assert "list.csv:4: error: the server refused this recipient (550 5.1.1 <the address>: Recipient address " \
           "rejected: User unknown); check the address on this row, or remove the row" in run.stderr
    assert "person3" not in run.stderr + run.stdout
    assert "5 sent, 0 skipped (sent before), 1 failed" in run.stderr
    smtp.refuse.clear()  # mended at the server: a second run sends to that one alone
    again = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--now", NOW)
    assert "1 sent, 5 skipped" in again.stdout and smtp.addresses().count("person3@example.org") == 1


def test_a_run_killed_mid_message_resumes_and_delivers_each_exactly_once(room, smtp):
    smtp.hold_at = 3  # the fourth message: the sender is killed while the server reads it
    command = [sys.executable, "-m", "pipeline", "mail", "sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address,
               "--per-minute", "10000", "--now", NOW]
    process = subprocess.Popen(command, cwd=room, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert smtp.held.wait(60), process.communicate()
        smtp.hold_at = None  # only that one message is held
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        process.kill()
        smtp.go_on.set()
    assert len(smtp.messages) == 3
    resumed = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--per-minute", "10000", "--now", NOW)
    assert "3 sent, 3 skipped (sent before), 0 failed" in resumed.stdout
    assert sorted(smtp.addresses()) == sorted(a for a, _ in PEOPLE), "each exactly once"
    first_try = sqlite3.connect(room / ".mail-log.sqlite").execute("SELECT count(*) FROM sent WHERE state = 'sent'")
    assert first_try.fetchone()[0] == 6


def test_the_pace_is_kept(room, smtp):
    from datetime import datetime

    from pipeline.mail.prepare import prepare
    from pipeline.mail.send import Server, send_all
    from pipeline.mail.sendlog import SendLog

    now = datetime.fromisoformat(NOW)
    letter = prepare(Path("sources/2026/bro.md"), Path("sources"), Path("dist"), None, now, room / ".cache")
    recipients, _ = read_recipients(room / "list.csv")
    naps: list[float] = []
    log = SendLog(room / ".mail-log.sqlite")
    host, port = smtp.address.split(":")
    tally = send_all(letter, recipients, Server(host, int(port)), log, now, False, 30, print, lambda *a: None,
                     room / "list.csv", sleep=naps.append)
    assert tally.sent == 6 and len(naps) == 5
    assert all(1.0 < nap <= 2.0 for nap in naps), naps  # 30 a minute: one every two seconds


def test_an_embargoed_release_goes_only_as_its_marked_press_copy(project, smtp):
    write_tree(project, {
        "sources/site.yaml": SITE + MAIL,
        "sources/2026/budget.md": release("title: Budget 2027\ndate: 2026-11-26T09:00:00+01:00\n"
                                          "embargo: 2026-11-26T10:00:00+01:00\n"),
        "sources/2026/utkast.md": release("title: Utkast\ndate: 2026-11-26T09:00:00+01:00\ndraft: true\n"),
        "list.csv": "email\nanna@example.org\n",
    })
    before = "2026-11-25T12:00:00+01:00"
    refused = mail("sources/2026/budget.md", "--to", "list.csv", "--smtp", smtp.address, "--now", before, expect=1)
    assert ("sources/2026/budget.md:4: error: this release is under embargo until 2026-11-26 10:00 CET; to send the "
            "press copy marked with the embargo, export it with press export --embargoed DIR") in refused.stderr
    draft = mail("sources/2026/utkast.md", "--to", "list.csv", "--smtp", smtp.address, "--now", before, expect=1)
    assert "sources/2026/utkast.md:4: error: this release is a draft, and a draft is never mailed" in draft.stderr
    no_copy = mail("sources/2026/budget.md", "--to", "list.csv", "--smtp", smtp.address, "--now", before,
                   "--embargoed", "agencies", expect=1)
    assert "agencies holds no press copy of this release" in no_copy.stderr
    assert smtp.messages == []

    assert export("sources", "--now", before, "--embargoed", "agencies", "-q").exit_code == 0
    mail("sources/2026/budget.md", "--to", "list.csv", "--smtp", smtp.address, "--now", before, "--embargoed", "agencies")
    [message] = smtp.parsed()
    assert message["Subject"] == "Under embargo till torsdag 26 november 2026 kl. 10.00: Budget 2027"
    assert ".embargoed." in message["Message-ID"]
    plain = message.get_body(("plain",)).get_content()
    assert "EMBARGO: Får publiceras tidigast torsdag 26 november 2026 kl. 10.00" in plain
    pdf = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"][0]
    assert pdf.get_content() == (project / "agencies/2026/budget/budget.pdf").read_bytes()
    page = html.fromstring(message.get_body(("html",)).get_content())
    assert "Under embargo till torsdag 26 november 2026 kl. 10.00" in page.text_content()
    # The public release, once out, is not sent again to whoever got the press copy.
    export("sources", "--now", NOW, "-q")
    again = mail("sources/2026/budget.md", "--to", "list.csv", "--smtp", smtp.address, "--now", NOW)
    assert "0 sent, 1 skipped" in again.stdout and len(smtp.messages) == 1


def test_only_what_was_exported_goes_out_and_a_correction_only_with_again(room, smtp):
    source = room / "sources/2026/bro.md"
    mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--per-minute", "10000", "--now", NOW)
    corrected = RELEASE.replace("date: 2026-11-26T09:00:00+01:00\n", "date: 2026-11-26T09:00:00+01:00\n"
                                "updated: 2026-11-26T11:00:00+01:00\ncorrections: [{date: 2026-11-26T11:00:00+01:00, "
                                "text: Bron öppnar i morgon.}]\n")
    source.write_text(corrected)
    stale = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--now", NOW, expect=1)
    assert ("sources/2026/bro.md:1: error: its PDF or wire text in dist is not what the last export made of this "
            "file as it is now (the file was changed since, or the outputs were); run press export (and copy dist/ to "
            "the web server) first, then mail it") in stale.stderr
    export("sources", "--now", NOW, "-q")
    skipped = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--now", NOW)
    assert "0 sent, 6 skipped" in skipped.stdout and len(smtp.messages) == 6
    assert "6 of those skipped got an earlier version: send them this one (the correction) with --again" in skipped.stdout
    again = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--per-minute", "10000",
                 "--now", NOW, "--again")
    assert "6 sent, 0 skipped" in again.stdout
    corrections = smtp.parsed()[6:]
    assert all(m["Message-ID"].strip().startswith("<bro.v2.") for m in corrections)
    assert corrections[0]["Subject"] == "Uppdaterad: Ny bro över Nissan"
    page = html.fromstring(corrections[0].get_body(("html",)).get_content())
    assert "Uppdaterad 26 november 2026: Bron öppnar i morgon." in page.text_content()
    twice = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--now", NOW, "--again")
    assert "0 sent, 6 skipped" in twice.stdout and len(smtp.messages) == 12, "a version never goes twice"
    # Changed after sending, without a correction: said, never sent silently nor lost silently.
    source.write_text(corrected.replace("Bron öppnar i dag.", "Bron öppnar i dag klockan tio."))
    export("sources", "--now", NOW, "-q")
    changed = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--now", NOW, "--again")
    assert "6 of those skipped got version 2 with another text: a change after sending is a correction" in changed.stdout


def test_without_a_server_the_messages_are_written_to_look_at(room):
    run = mail("sources/2026/bro.md", "--to", "list.csv", "--now", NOW)
    assert "6 messages written to outbox/bro-v1 (nothing was sent; give --smtp HOST:PORT to send)" in run.stdout
    files = sorted((room / "outbox/bro-v1").iterdir())
    assert [f.name for f in files] == [f"{line:06d}.eml" for line in range(2, 8)]
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "person1@example.org"
    assert oct(files[0].stat().st_mode & 0o777) == "0o600", "an address is personal data"
    (room / "list.csv").write_text("email\nperson9@example.org\n")  # a shorter list: the old messages go
    mail("sources/2026/bro.md", "--to", "list.csv", "--now", NOW)
    assert [f.name for f in (room / "outbox/bro-v1").iterdir()] == ["000002.eml"]
    assert b"person9@example.org" in (room / "outbox/bro-v1/000002.eml").read_bytes()
    assert not (room / ".mail-log.sqlite").exists(), "nothing was sent, so nothing is logged"


def test_the_list_is_read_as_spreadsheets_write_it_and_its_mistakes_are_said_at_their_rows(project):
    write_tree(project, {
        "excel.csv": "\ufeffE-post;Namn\nanna@example.org;Anna Berg\n\nper@example.org;Per\n",
        "bad.csv": "email,name\nnot-an-address,X\n,Y\nanna@example.org,A\nANNA@example.org,B\n",
        "nocolumn.csv": "adress,namn\nanna@example.org,A\n",
        "hostile.csv": 'email,name\nanna@example.org,"Anna\r\nBcc: all@example.org"\n',
    })
    listed, problems = read_recipients(project / "excel.csv")
    assert [(r.line, r.address, r.name) for r in listed] == [(2, "anna@example.org", "Anna Berg"), (4, "per@example.org", "Per")]
    assert not problems.items
    listed, problems = read_recipients(project / "bad.csv")
    said = [(p.line, p.severity, p.message.split(";")[0]) for p in problems.items]
    assert said[0][:2] == (2, "error") and said[0][2].startswith("the e-mail address on this row is not valid")
    assert said[1:] == [(3, "error", "this row has no e-mail address"), (5, "warning", "this address is on the list already")]
    _, problems = read_recipients(project / "nocolumn.csv")
    assert problems.items[0].message.startswith("the first row has no 'email' column (it names: adress, namn)")
    [hostile], _ = read_recipients(project / "hostile.csv")
    assert hostile.name == "Anna Bcc: all@example.org", "a line break in a name is a space: it cannot add a header"


def test_a_list_with_mistakes_sends_nothing(room, smtp):
    (room / "list.csv").write_text("email\nperson1@example.org\nnot-an-address\n")
    run = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--now", NOW, expect=1)
    assert "list.csv:3: error: the e-mail address on this row is not valid" in run.stderr
    assert "nothing was sent: correct the list first" in run.stderr and smtp.messages == []


def test_a_server_that_goes_away_is_said_and_the_rest_is_sent_when_it_is_back(room, smtp):
    smtp.hold_at = 2

    def stop_when_held():
        smtp.held.wait(60)
        smtp.hold_at = None
        smtp.controller.stop()  # the server goes away in the middle of the third message
        smtp.go_on.set()

    stopper = threading.Thread(target=stop_when_held)
    stopper.start()
    run = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--per-minute", "10000",
               "--now", NOW, expect=1)
    stopper.join()
    assert "press mail: the mail server 127.0.0.1 went away" in run.stderr or "cannot reach the mail server" in run.stderr
    assert "run the same command again" in run.stderr and "Traceback" not in run.stderr
    assert len(smtp.messages) == 2
    host, port = smtp.address.split(":")
    smtp.controller = Controller(smtp, hostname=host, port=int(port))  # the server is back
    smtp.controller.start()
    resumed = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--per-minute", "10000", "--now", NOW)
    assert "4 sent, 2 skipped (sent before), 0 failed" in resumed.stdout
    assert sorted(smtp.addresses()) == sorted(a for a, _ in PEOPLE)


def test_two_runs_at_once_send_nothing_twice(room, smtp):
    smtp.hold_at = 1
    command = [sys.executable, "-m", "pipeline", "mail", "sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address,
               "--per-minute", "10000", "--now", NOW]
    first = subprocess.Popen(command, cwd=room, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert smtp.held.wait(60)
        second = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--now", NOW, expect=1)
        assert "another press mail is sending from this press room" in second.stderr
        smtp.hold_at = None
        smtp.go_on.set()
        first.wait(60)
    finally:
        first.kill()
    # The held message was refused for now (451); a run after the first sends it, and no one gets anything twice.
    mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--per-minute", "10000", "--now", NOW)
    assert sorted(smtp.addresses()) == sorted(a for a, _ in PEOPLE)


def test_ctrl_c_while_a_message_is_handed_over_waits_for_it(room, smtp):
    smtp.hold_at = 2
    command = [sys.executable, "-m", "pipeline", "mail", "sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address,
               "--per-minute", "10000", "--now", NOW]
    process = subprocess.Popen(command, cwd=room, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert smtp.held.wait(60)
        process.send_signal(signal.SIGINT)  # the server is reading the third message
        smtp.hold_at = None
        smtp.go_on.set()
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 128 + signal.SIGINT
    assert "stopped after 2 messages sent; run the same command again to send the rest" in stderr
    resumed = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--per-minute", "10000", "--now", NOW)
    assert "4 sent, 2 skipped" in resumed.stdout  # the third was refused for now (451) and goes now, once
    assert sorted(smtp.addresses()) == sorted(a for a, _ in PEOPLE)


def test_a_mistake_in_the_mail_settings_stops_press_mail(room):
    (room / "sources/site.yaml").write_text(SITE + MAIL.replace("reply_to:", "reply-to:")
                                            .replace("mailto:press+", "http://example.org/?"))
    run = mail("sources/2026/bro.md", "--to", "list.csv", "--now", NOW, expect=1)
    assert "sources/site.yaml:6: error: unknown key 'mail.reply-to' is ignored; did you mean 'reply_to'?" in run.stderr
    assert "sources/site.yaml:7: error: 'mail: unsubscribe' has 'http://example.org/?avregistrera@example.org'" in run.stderr
    assert "nothing was sent" in run.stderr and not (room / "outbox").exists()


def test_the_list_and_the_outbox_stay_out_of_what_is_published(room):
    (room / "sources/lista.csv").write_text("email\nanna@example.org\n")
    run = mail("sources/2026/bro.md", "--to", "sources/lista.csv", "--now", NOW, expect=2)
    assert "the recipients list sources/lista.csv lies inside the sources folder" in run.stderr
    run = mail("sources/2026/bro.md", "--to", "list.csv", "--out", "dist/mail", "--now", NOW, expect=2)
    assert "--out dist/mail lies inside the output folder" in run.stderr


def test_outputs_changed_after_the_export_are_not_sent(room, smtp):
    wire = room / "dist/2026/bro/bro.txt"
    wire.write_text(wire.read_text("utf-8") + "Tillagt för hand.\n", "utf-8")
    run = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--now", NOW, expect=1)
    assert "its PDF or wire text in dist is not what the last export made" in run.stderr and smtp.messages == []


def test_what_a_server_or_a_list_could_not_carry_is_said_before_anything_goes(room, smtp):
    (room / "list.csv").write_text("email\njörgen@example.org\n")
    run = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--now", NOW, expect=1)
    assert "list.csv:2: error: the e-mail address on this row has letters outside English before the @" in run.stderr
    (room / "list.csv").write_text("email\nanna@example.org\n")
    plain = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--user", "press", expect=2)
    assert "--user press needs its password in the environment variable PRESS_SMTP_PASSWORD" in plain.stderr
    os.environ["PRESS_SMTP_PASSWORD"] = "hemligt"
    try:
        clear = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--user", "press", expect=2)
    finally:
        del os.environ["PRESS_SMTP_PASSWORD"]
    assert "--user sends a password, which may not cross the network unencrypted; add --starttls" in clear.stderr
    closed = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", "127.0.0.1:1", "--now", NOW, expect=1)
    assert "press mail: cannot reach the mail server 127.0.0.1:1" in closed.stderr and "Traceback" not in closed.stderr
    assert smtp.messages == []


def test_a_headline_with_a_line_break_stays_one_header(room, smtp):
    source = room / "sources/2026/bro.md"
    source.write_text(RELEASE.replace("title: Ny bro över Nissan", 'title: "Ny bro\\nBcc: alla@example.org"'))
    export("sources", "--now", NOW, "-q")
    mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--per-minute", "10000", "--now", NOW)
    message = smtp.parsed()[0]
    assert message["Subject"] == "Ny bro Bcc: alla@example.org" and message["Bcc"] is None
    assert all(to == [address] for (to, _), (address, _) in zip(smtp.messages, PEOPLE, strict=True))
    (room / "themes/default/static").mkdir(parents=True)
    run = mail("sources/2026/bro.md", "--to", "list.csv", "--out", "themes/default/static/ut", "--now", NOW, expect=2)
    assert "--out themes/default/static/ut lies inside the themes folder" in run.stderr


def test_a_real_send_cannot_be_judged_at_a_later_time(room, smtp):
    run = mail("sources/2026/bro.md", "--to", "list.csv", "--smtp", smtp.address, "--now", "2099-01-01T10:00", expect=2)
    assert "--now is later than the clock" in run.stderr and smtp.messages == []
