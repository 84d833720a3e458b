"""`press schedule`: a thin layer over pipeline.build.schedule, which exports at the right moments."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from pipeline.build.schedule import Schedule, offset_clock
from pipeline.cli.export import ConsoleReporter, status_line, stopped_by, check_folders, locked_export, say_summary, stopped
from pipeline.cli.options import Moment, press_room


class ScheduleReporter(ConsoleReporter):
    """A log's lines: problems, and each release the export did something with (new, updated, removed, failed…);
    the unchanged ones are left out, and there is no progress bar."""

    def begin(self, total: int) -> None:
        self.total, self.done = total, 0

    def release(self, status: str, path: Path, detail: str = "") -> None:
        if status != "unchanged":
            click.echo(status_line(status, path, detail))


@click.command(short_help="Export whenever a release becomes public or the sources change.")
@click.argument("sources", default="sources", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", "dist", default="dist", type=click.Path(path_type=Path), metavar="DIRECTORY",
              help="Output folder (default: dist).")
@click.option("--embargoed", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Keep the press copies of the releases under embargo in DIR, as press export --embargoed does.")
@click.option("--once", is_flag=True, help="Export if a release became public or the sources changed since the last "
              "export, then stop (for cron or a systemd timer).")
@click.option("--then", "then", metavar="COMMAND", help="Run this shell command after each export that published, "
              "to copy the output folder to the web server (e.g. rsync).")
@click.option("--interval", type=click.FloatRange(1, 3600), default=10, show_default=True, metavar="SECONDS",
              help="How often to look at the clock and the sources.")
@click.option("--now", type=Moment(), help="Rehearse: start the clock at this time (ISO 8601), running as fast as the "
              "real one; with --once, judge as if it were this time. Default: the real clock.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=os.cpu_count() or 1, show_default="the number of cores",
              help="Print PDFs in this many worker processes.")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
def schedule(sources: Path, dist: Path, embargoed: Path | None, once: bool, then: str | None, interval: float,
             now: datetime | None, jobs: int, debug: bool) -> None:
    """Export SOURCES (default: sources/) into the output folder at every moment a
    release becomes public (its embargo lifts, or its date comes) and whenever the
    sources change; sleep in between. Stop with Ctrl-C.

    The clock and the sources are looked at every few seconds, so a machine that
    slept, or whose clock was set, exports as soon as it wakes. The clock is the
    truth: set back, it takes down what is not public at its time, so that a
    clock that ran fast never keeps an embargo broken.
    """
    check_folders(sources, dist, embargoed)
    cache_dir = sources.resolve().parent / ".cache"
    reporter = ScheduleReporter(quiet=False)

    exporting = False

    def export_at(moment: datetime):
        nonlocal exporting
        exporting = True
        summary = locked_export(sources, dist, moment, reporter, debug, embargoed, jobs)
        exporting = False
        say_summary(summary, embargoed)
        return summary

    def after(summary) -> bool:
        """Run --then after an export that published (or again, with None, after it failed); whether it worked."""
        if not then or summary is not None and summary.published_nothing:
            return True
        log(f"running: {then}")
        done = subprocess.run(then, shell=True)
        if done.returncode != 0:
            click.echo(f"press schedule: '{then}' failed (exit status {done.returncode}); it runs again a "
                       "minute from now, at the next look", err=True)
        return done.returncode == 0

    if now is not None and now.tzinfo is None:  # a time without an offset is in the press room's zone
        now = now.replace(tzinfo=ZoneInfo(press_room(sources, "nothing was exported").timezone))
    clock = offset_clock(now, lambda: datetime.now(timezone.utc), time.monotonic if not once else lambda: 0.0)
    plan = Schedule(sources, cache_dir, export_at, clock, time.sleep, log, interval)
    try:
        with stopped_by(signal.SIGTERM, signal.SIGHUP):
            _run(plan, once, after, sources, interval)
    except KeyboardInterrupt as exc:
        if exporting:
            stopped(exc, dist, debug)
        log("stopped")
        sys.exit(128 + getattr(exc, "signal", signal.SIGINT))


def _run(plan: Schedule, once: bool, after, sources: Path, interval: float) -> None:
    if once:
        summary = plan.look(after)
        if summary is None and sys.stdout.isatty():  # from cron or a timer, a line a minute would say nothing
            moment = plan.state.next_moment()
            log("nothing to publish" + (f"; next publication at {moment.isoformat(timespec='minutes')}" if moment else ""))
        sys.exit(0 if (summary is None or summary.ok) and plan.state.copy_again is None else 1)
    log(f"watching {sources} and the clock every {interval:g} seconds; stop with Ctrl-C")
    plan.run(after)


def log(message: str) -> None:
    """A line of the schedule's log, with the time of the machine it runs on."""
    click.echo(f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S %Z} {message}")
