"""`press mail`: a thin layer over pipeline.mail, which sends a published release to a press list."""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from pipeline.cli.export import plural, stopped_by
from pipeline.cli.options import Moment, shown

PASSWORD = "PRESS_SMTP_PASSWORD"  # never a flag: a flag shows in the process list and the shell's history
SEND_LOG = ".mail-log.sqlite"  # beside the sources folder and the build cache, never in either


class ServerAddress(click.ParamType):
    name = "HOST:PORT"

    def convert(self, value, param, ctx):
        host, _, port = str(value).rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            self.fail(f"'{value}' is not HOST:PORT; e.g. smtp.example.org:587", param, ctx)
        return host.strip("[]"), int(port)


@click.command(short_help="Send a published release to each journalist on a list, once.")
@click.argument("release", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "recipients", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="LIST.csv", help="The recipients: a CSV file whose first row names an 'email' column, and "
              "optionally 'name'.")
@click.option("--smtp", type=ServerAddress(), help="The mail server to send through, e.g. smtp.example.org:587. "
              "Without it, nothing is sent: the messages are written as .eml files (see --out).")
@click.option("--starttls", is_flag=True, help="Encrypt the connection with STARTTLS (port 587); port 465 is always "
              "encrypted.")
@click.option("--user", help=f"Log in as this user; the password is read from the environment variable {PASSWORD}.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default="outbox", show_default=True,
              metavar="DIRECTORY", help="Where a dry run writes its .eml files, one folder per release.")
@click.option("--dry-run", is_flag=True, help="Write the messages as .eml files, even with --smtp; send nothing.")
@click.option("--embargoed", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Send a release still under embargo: its press copy in DIR (written by press export --embargoed "
              "DIR), marked with the embargo. Without it, a release under embargo is refused.")
@click.option("--again", is_flag=True, help="Send a corrected version to those who got an earlier one. A version "
              "is never sent twice to anyone.")
@click.option("--per-minute", type=click.IntRange(1, 10000), default=30, show_default=True,
              help="Send at most this many messages a minute, as mail servers ask.")
@click.option("--sources", default="sources", type=click.Path(file_okay=False, path_type=Path), metavar="DIRECTORY",
              help="The sources folder (default: sources).")
@click.option("-o", "--output", "dist", default="dist", type=click.Path(file_okay=False, path_type=Path),
              metavar="DIRECTORY", help="The output folder the release was exported to (default: dist).")
@click.option("--now", type=Moment(), help="Judge the embargo as if it were this time (ISO 8601); when sending for "
              "real, not later than the clock. Default: now.")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
def mail(release: Path, recipients: Path, smtp: tuple[str, int] | None, starttls: bool, user: str | None, out: Path,
         dry_run: bool, embargoed: Path | None, again: bool, per_minute: int, sources: Path, dist: Path,
         now: datetime | None, debug: bool) -> None:
    """Send RELEASE, as published by the last export, to each recipient of
    LIST.csv as a message of its own: the wire text and an HTML version of the
    release, its key image carried in the message, its PDF attached.

    Each delivery is recorded in a send log (.mail-log.sqlite beside the
    sources folder): a run that was stopped can be started again, and whoever
    got the release is skipped. A release under embargo needs --embargoed; a
    draft is never sent. Without --smtp, the messages are written to --out to look at.
    """
    from pipeline.mail.prepare import Refused, prepare
    from pipeline.mail.recipients import read_recipients
    from pipeline.mail.send import Server, Stop, Tally, send_all, write_all
    from pipeline.mail.sendlog import Busy, SendLog

    if not sources.is_dir():
        raise click.UsageError(f"sources folder '{sources}' does not exist; run press mail where it is, or give --sources")
    if not release.resolve().is_relative_to(sources.resolve()) or release.suffix != ".md":
        raise click.BadParameter(f"'{release}' is not a release in {shown(sources)}; give its .md file",
                                 param_hint="RELEASE")
    for what, path, option in (("the recipients list", recipients, "--to"), ("--out", out, "--out")):
        for folder, name in ((sources, "sources"), (dist, "output"), (sources.resolve().parent / "themes", "themes")):
            if path.resolve().is_relative_to(folder.resolve()):
                shown_as = f"{what} {path}" if option == "--to" else f"--out {path}"
                raise click.UsageError(f"{shown_as} lies inside the {name} folder, where what lies can be "
                                       "published; keep it outside (the list is personal data)")
    password = os.environ.get(PASSWORD)
    if smtp and user and password is None:
        raise click.UsageError(f"--user {user} needs its password in the environment variable {PASSWORD}")
    if smtp and user and not starttls and smtp[1] != 465:
        raise click.UsageError("--user sends a password, which may not cross the network unencrypted; add --starttls, "
                               "or use port 465")
    say = lambda problem: click.echo(problem.format(shown(problem.path)), err=True)  # noqa: E731
    listed, list_problems = read_recipients(recipients)
    for problem in list_problems.items:
        say(problem)
    if list_problems.has_errors:
        click.echo("nothing was sent: correct the list first", err=True)
        sys.exit(1)
    clock = datetime.now(timezone.utc)
    if now is not None and smtp and not dry_run and (now if now.tzinfo else now.replace(tzinfo=timezone.utc)) > clock:
        raise click.UsageError("--now is later than the clock: a release is sent only as it is public now; rehearse "
                               "with --dry-run")
    now = now or clock
    cache_dir = sources.resolve().parent / ".cache"
    try:
        letter = prepare(release, sources, dist, embargoed, now, cache_dir, again)
    except Refused as exc:
        for problem in exc.problems:
            say(problem)
        click.echo("nothing was sent", err=True)
        sys.exit(1)

    def progress(tally: Tally, total: int) -> None:
        done = tally.sent + tally.failed + tally.written
        if total >= 20 and done % max(1, total // 10) == 0 and done < total:
            click.echo(f"  {done} of {total}")

    r = letter.doc.release
    try:
        with stopped_by(signal.SIGTERM, signal.SIGHUP):
            if smtp is None or dry_run:
                folder = out / f"{r.id}-v{r.version}{'-embargoed' if letter.embargoed else ''}"
                tally = write_all(letter, listed, folder, now, progress)
                click.echo(f"{plural(tally.written, 'message')} written to {shown(folder)} (nothing was sent; "
                           "give --smtp HOST:PORT to send)")
                return
            try:
                log = SendLog(sources.resolve().parent / SEND_LOG)
            except Busy as exc:
                click.echo(f"press mail: {exc}", err=True)
                sys.exit(1)
            server = Server(smtp[0], smtp[1], starttls, user, password)
            click.echo(f"sending {r.id} (version {r.version}{', under embargo' if letter.embargoed else ''}) to "
                       f"{plural(len(listed), 'recipient')} through {smtp[0]}:{smtp[1]}, {per_minute} a minute…", err=True)
            try:
                tally = send_all(letter, listed, server, log, now, again, per_minute, say, progress, recipients)
            finally:
                log.close()
    except Stop as exc:
        click.echo(f"press mail: {exc}", err=True)
        if exc.tally is not None:
            click.echo(f"{exc.tally.sent} sent, {exc.tally.skipped} skipped (sent before), {exc.tally.failed} failed, "
                       "the rest not yet", err=True)
        sys.exit(1)
    except KeyboardInterrupt as exc:
        if debug:
            raise
        done = getattr(exc, "tally", None)
        sent = f" after {plural(done.sent, 'message')} sent" if done else ""
        click.echo(f"\nstopped{sent}; run the same command again to send the rest: whoever got the release is "
                   "skipped", err=True)
        sys.exit(128 + getattr(exc, "signal", signal.SIGINT))
    line = f"{tally.sent} sent, {tally.skipped} skipped (sent before), {tally.failed} failed"
    if tally.earlier:
        click.echo(f"{tally.earlier} of those skipped got an earlier version: send "
                   "them this one (the correction) with --again")
    if tally.changed:
        click.echo(f"{tally.changed} of those skipped got version {r.version} with "
                   "another text: a change after sending is a correction; add an entry under 'corrections:', export, "
                   "and send it with --again")
    click.echo(line, err=bool(tally.failed))
    if tally.failed:
        sys.exit(1)
