"""Sending: one message per recipient to an SMTP server, at a steady pace, each recorded in the send log.

Python's smtplib speaks SMTP (STARTTLS, implicit TLS on port 465, login); what is written here is what a
press list needs around it: never twice, a refused address that stops no one else, a server that goes
away said plainly, and a run that can always be started again.
"""

from __future__ import annotations

import signal
import smtplib
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.mail.compose import Letter, eml_name, message_for, sender_address, write_eml
from pipeline.mail.recipients import Recipient
from pipeline.mail.sendlog import SendLog
from pipeline.problems import Problem


@dataclass
class Tally:
    sent: int = 0
    skipped: int = 0  # delivered before
    failed: int = 0
    written: int = 0  # .eml files, in a dry run
    earlier: int = 0  # of those skipped, how many got an earlier version only (a correction waits for --again)
    changed: int = 0  # of those skipped, how many got this version with another text (changed without a correction)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or a signal stopped the run, between two messages; `tally` says what was done."""

    def __init__(self, signal_number: int):
        super().__init__(signal_number)
        self.signal, self.tally = signal_number, None


@contextmanager
def between_messages() -> Iterator[Callable[[], int | None]]:
    """Ctrl-C or a kill signal stops the run between two messages, not while one is handed over: a message cut
    off after the server took it would go again at the next run. A second Ctrl-C stops at once. Gives what
    says whether a stop was asked for (the signal's number)."""
    asked: list[int] = []

    def hold(number, frame) -> None:
        if asked:
            raise Interrupted(number)
        asked.append(number)

    stops = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    before = {number: signal.signal(number, hold) for number in stops}
    try:
        yield lambda: asked[0] if asked else None
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


class Stop(Exception):
    """Sending cannot go on (the server went away, refused the login or the sender): the message says what to do,
    `tally` what was done before."""

    tally: Tally | None = None


@dataclass(frozen=True)
class Server:
    """Where to send, and how to log in: the password comes from the environment, never a flag."""

    host: str
    port: int
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 60

    def connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        try:
            if self.port == 465:
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.starttls:
                    try:
                        smtp.starttls(context=context)
                    except smtplib.SMTPNotSupportedError:
                        raise Stop(f"the server {self.host} does not offer STARTTLS; use the port it encrypts "
                                   "(587 with --starttls, or 465), or ask its operator") from None
            if self.user:
                smtp.login(self.user, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise Stop(f"the server {self.host} refused the user name or password ({_reply(exc)}); check --user and "
                       "the PRESS_SMTP_PASSWORD environment variable") from None
        except smtplib.SMTPNotSupportedError:
            raise Stop(f"the server {self.host} does not take a login here; leave out --user, or use the port "
                       "where it does (often 587 with --starttls)") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise Stop(f"cannot reach the mail server {self.host}:{self.port} ({exc}); check --smtp and the network, "
                       "then run again") from None
        return smtp


def send_all(letter: Letter, recipients: list[Recipient], server: Server, log: SendLog, now: datetime, again: bool,
             per_minute: int, say: Callable[[Problem], None], progress: Callable[[Tally, int], None],
             list_path: Path, sleep: Callable[[float], None] = time.sleep) -> Tally:
    """Send the letter to every recipient not yet given it; stop (Stop) only when no one else can be reached."""
    release = letter.doc.release
    # Without --again, whoever got any version has it; with it, a new version goes to them once more.
    got = log.delivered(release.id)
    tally = Tally()
    todo = []
    for recipient in recipients:
        version, content = got.get(recipient.address.lower(), (0, ""))
        if version == 0 or again and version < release.version:
            todo.append(recipient)
            continue
        tally.skipped += 1
        tally.earlier += version < release.version
        tally.changed += version == release.version and content != letter.content
    if not todo:
        return tally
    pace = 60 / per_minute
    try:
        with between_messages() as stop_asked:
            _send_each(letter, todo, server, log, now, pace, say, progress, list_path, sleep, tally, stop_asked)
    except (Stop, Interrupted) as exc:
        exc.tally = tally
        raise
    return tally


def _send_each(letter: Letter, todo: list[Recipient], server: Server, log: SendLog, now: datetime, pace: float,
               say: Callable[[Problem], None], progress: Callable[[Tally, int], None], list_path: Path,
               sleep: Callable[[float], None], tally: Tally, stop_asked: Callable[[], int | None]) -> None:
    release = letter.doc.release
    smtp = server.connect()
    last = None
    try:
        for recipient in todo:
            if last is not None:
                sleep(max(0.0, last + pace - time.monotonic()))
            last = time.monotonic()
            if (number := stop_asked()) is not None:
                raise Interrupted(number)
            message = message_for(letter, recipient, now)
            log.handed(release.id, release.version, recipient.address, message["Message-ID"], letter.kind, letter.content)
            try:
                smtp = _send(smtp, server, message, sender_address(letter.doc.site), recipient.address)
                log.accepted(release.id, release.version, recipient.address)
            except smtplib.SMTPRecipientsRefused as exc:
                log.refused(release.id, release.version, recipient.address)
                code, text = next(iter(exc.recipients.values()))
                say(_refusal(list_path, recipient, code, text))
                tally.failed += 1
            except smtplib.SMTPDataError as exc:
                log.refused(release.id, release.version, recipient.address)
                say(_refusal(list_path, recipient, exc.smtp_code, exc.smtp_error))
                tally.failed += 1
            except smtplib.SMTPSenderRefused as exc:
                log.refused(release.id, release.version, recipient.address)
                if 400 <= exc.smtp_code < 500:  # a limit for now (too many messages): later, it takes them
                    raise Stop(f"the server is not taking messages now ({_reply(exc)}); run the same command again "
                               "later to send the rest") from None
                raise Stop(f"the server refused the sender {sender_address(letter.doc.site)} ({_reply(exc)}); use "
                           "an address the server lets you send from in site.yaml 'mail: from'") from None
            except smtplib.SMTPException as exc:  # what else a server may answer: no one else would fare better
                log.refused(release.id, release.version, recipient.address)
                raise Stop(f"the mail server {server.host} stopped the sending ({exc}); run the same command again "
                           "to send the rest") from None
            else:
                tally.sent += 1
            progress(tally, len(todo))
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass


def _send(smtp: smtplib.SMTP, server: Server, message, sender: str, address: str) -> smtplib.SMTP:
    """Hand one message over; if the connection was lost, connect again once. The connection to go on with."""
    for attempt in (1, 2):
        try:
            smtp.send_message(message, from_addr=sender, to_addrs=[address])
            return smtp
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code != 421:
                raise
            lost = Stop(f"the mail server {server.host} is not taking messages now ({_reply(exc)}); run the same "
                        "command again later to send the rest: whoever got the release is skipped")
        except smtplib.SMTPException as exc:  # a refused recipient, say: the caller's
            if not isinstance(exc, smtplib.SMTPServerDisconnected):
                raise
            lost = Stop(f"the mail server {server.host} went away ({exc or 'disconnected'}); run the same command "
                        "again to send the rest: whoever got the release is skipped")
        except OSError as exc:  # smtplib's own errors are OSErrors too, so after them: a reset, a timeout, TLS
            lost = Stop(f"the mail server {server.host} went away ({exc}); run the same command again to send "
                        "the rest: whoever got the release is skipped")
        if attempt == 2:
            raise lost
        try:
            smtp = server.connect()  # a 421 closes the connection: the server may take more on a new one
        except Stop:
            raise lost from None
    return smtp


def write_all(letter: Letter, recipients: list[Recipient], folder: Path, now: datetime,
              progress: Callable[[Tally, int], None]) -> Tally:
    """A dry run: each recipient's message as an .eml file in `folder`; nothing is sent or logged."""
    tally = Tally()
    for recipient in recipients:
        write_eml(folder, eml_name(recipient), message_for(letter, recipient, now))
        tally.written += 1
        progress(tally, len(recipients))
    written = {eml_name(recipient) for recipient in recipients}
    for old in folder.glob("*.eml"):  # an earlier dry run's, to people no longer on the list: personal data
        if old.name not in written:
            old.unlink()
    return tally


def _refusal(list_path: Path, recipient: Recipient, code: int, text) -> Problem:
    """The server refused one recipient: said at the list's row, without repeating the address."""
    reply = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    reply = " ".join(reply.replace(recipient.address, "the address").split())
    fix = ("it may take it later: run the same command again" if 400 <= code < 500
           else "check the address on this row, or remove the row")
    return Problem(list_path, recipient.line, "error", f"the server refused this recipient ({code} {reply}); {fix}")


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {' '.join(text.split())}"
