"""`press export`: a thin layer over pipeline.build.export, which turns its outcome into lines and an exit code."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from typing import NoReturn
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import click

from pipeline.build.export import export as run_export
from pipeline.build.export import check_output, machine_fault
from pipeline.build.output import MACHINE_FAULTS, OutputRefused
from pipeline.build.lock import Busy, exclusive
from pipeline.problems import Problem
from pipeline.cli.options import Moment, shown


class ConsoleReporter:
    """Progress while releases are rendered, then one line per release with its problems under it.

    On a terminal, a progress bar, and unchanged releases are only counted; elsewhere (a log), a line
    at every tenth of a long rendering. With -q, nothing but problems and the summary.
    """

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.terminal = sys.stdout.isatty()
        self.bar = None
        self.total = self.done = 0

    def problem(self, problem: Problem) -> None:
        click.echo(problem.format(shown(problem.path)), err=True)

    def begin(self, total: int) -> None:
        self.total, self.done = total, 0
        if self.quiet or total == 0:
            return
        if self.terminal:
            self.bar = click.progressbar(length=total, label="Rendering", show_eta=True, show_pos=True)
            self.bar.__enter__()
        elif total >= 20:
            click.echo(f"Rendering {total} releases")

    def advance(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
        elif not self.quiet and self.total >= 20 and self.done % max(1, self.total // 10) == 0 and self.done < self.total:
            click.echo(f"  {self.done} of {self.total} rendered")

    def end(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def release(self, status: str, path: Path, detail: str = "") -> None:
        if not self.quiet and not (self.terminal and status == "unchanged"):
            click.echo(status_line(status, path, detail))


def status_line(status: str, path: Path, detail: str = "") -> str:
    """'embargo    sources/2026/2026-12-01-budget.md (until 2026-12-01 10:00 CET)'."""
    return f"{status:<10} {shown(path)}" + (f" ({detail})" if detail else "")


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


class _Stopped(KeyboardInterrupt):
    """The export was told to stop (kill, a closed terminal): it stops as on Ctrl-C."""

    def __init__(self, signal_number: int):
        super().__init__(signal_number)
        self.signal = signal_number


@contextmanager
def stopped_by(*signals: int) -> Iterator[None]:
    def stop(signal_number, frame) -> None:
        raise _Stopped(signal_number)

    before = {number: signal.signal(number, stop) for number in signals}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def summary_line(summary) -> str:
    """'1 new, 1 updated, 2 unchanged, 1 removed, 1 under embargo, 0 failed: 0 errors, 2 warnings'; or, when the
    export stopped before publishing anything, 'nothing was published: 1 error, 0 warnings'."""
    if summary.published_nothing:
        return f"nothing was published: {plural(summary.errors, 'error')}, {plural(summary.warnings, 'warning')}"
    counts = [
        f"{summary.new} new", f"{summary.updated} updated", f"{summary.unchanged} unchanged",
        f"{summary.removed} removed", f"{summary.embargo} under embargo", plural(summary.draft, "draft"),
    ]
    shown_counts = [c for c in counts if not c.startswith("0 ")]
    return (", ".join(shown_counts + [f"{summary.failed} failed"])
            + f": {plural(summary.errors, 'error')}, {plural(summary.warnings, 'warning')}")


@click.command(short_help="Publish every release that is ready into the output folder.")
@click.argument("sources", default="sources", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", "dist", default="dist", type=click.Path(path_type=Path), metavar="DIRECTORY",
              help="Output folder (default: dist).")
@click.option("--now", type=Moment(), help="Judge embargoes as if it were this time (ISO 8601; without an offset, the press room's time zone). Default: now.")
@click.option(
    "--embargoed", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
    help="Also write a press copy of each release still under embargo (PDF, wire text, NewsML-G2, ninjs, marked with "
    "the embargo, and its images) to DIR, a folder for agencies that must not be inside the output folder.",
)
@click.option("-j", "--jobs", type=click.IntRange(1), default=os.cpu_count() or 1, show_default="the number of cores",
              help="Print PDFs in this many worker processes.")
@click.option("--cluster", metavar="ADDRESS", help="Print the PDFs on the Dask cluster whose scheduler is at ADDRESS "
              "(tcp://HOST:8786) instead of in local processes; needs press-pipeline[cluster] here and on every worker.")
@click.option("--force", is_flag=True, help="Render every release again, ignoring the build cache.")
@click.option("--no-wait", is_flag=True, help="If another export of these sources or into this folder is running, "
              "stop (exit status 2) instead of waiting for it.")
@click.option("-q", "--quiet", is_flag=True, help="Print problems and the summary only.")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
def export(
    sources: Path, dist: Path, now: datetime | None, embargoed: Path | None, jobs: int, cluster: str | None,
    force: bool, no_wait: bool, quiet: bool, debug: bool,
) -> None:
    """Build SOURCES (default: sources/) into the output folder.

    Every release that is public at --now gets an HTML page, a PDF, wire text,
    NewsML-G2 and ninjs; the press room gets its listing pages, feeds and
    manifest.json.
    """
    check_folders(sources, dist, embargoed)
    printer = cluster_printer(cluster, quiet) if cluster is not None else None
    now = now or datetime.now(timezone.utc)
    reporter = ConsoleReporter(quiet)
    try:
        summary = locked_export(sources, dist, now, reporter, debug, embargoed, jobs, force, wait=not no_wait,
                                printer=printer)
    except Busy as exc:
        click.echo(f"press export: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt as exc:
        stopped(exc, dist, debug)
    say_summary(summary, embargoed)
    if not summary.ok:
        sys.exit(1)


def check_folders(sources: Path, dist: Path, embargoed: Path | None) -> None:
    """A usage error unless the sources are there, and the output and press-copy folders may take an export."""
    if not sources.is_dir():
        raise click.UsageError(f"sources folder '{sources}' does not exist")
    if embargoed is not None:
        inside = embargoed.resolve()
        read_or_published = (dist, sources, sources.resolve().parent / "themes")  # a theme's files are published
        whole = Path(os.path.abspath(dist))
        kept = (sources.resolve().parent / ".cache", whole.parent / f".{whole.name}.snapshots")  # the export's own
        if any(inside.is_relative_to(folder.resolve()) for folder in (*read_or_published, *kept)):
            raise click.UsageError(f"--embargoed {embargoed} must lie outside the output, sources and themes folders "
                                   "and the export's own (.cache, the snapshots): what it holds is not public")
        if any(folder.resolve().is_relative_to(inside) for folder in (sources, dist)):
            raise click.UsageError(f"--embargoed {embargoed} holds the sources or the output folder; name a folder of "
                                   "its own for the press copies, such as ../press-copies")
    try:
        check_output(dist, sources)
    except OutputRefused as exc:
        raise click.UsageError(str(exc)) from None


def cluster_printer(address: str, quiet: bool):
    """What prints on the Dask cluster at `address`; a usage error when Dask is not installed, or with --jobs."""
    if click.get_current_context().get_parameter_source("jobs") == click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--jobs and --cluster do not go together: with --cluster, the cluster's workers print")
    if not address.strip():
        raise click.UsageError("--cluster needs the address of a Dask scheduler, such as tcp://HOST:8786")
    try:
        from pipeline.build.cluster import ClusterPrinter
    except ImportError as exc:
        raise click.UsageError(f"--cluster needs Dask, which is not installed here ({exc}); install it with "
                               "pip install 'press-pipeline[cluster]'") from None
    return ClusterPrinter(address, say=(lambda line: None) if quiet else lambda line: click.echo(line, err=True))


def locked_export(sources: Path, dist: Path, now: datetime, reporter: ConsoleReporter, debug: bool,
                  embargoed: Path | None, jobs: int, force: bool = False, wait: bool = True, printer=None):
    """One export, once no other export of these folders runs; a kill or a hang-up stops it as Ctrl-C does."""
    try:
        with exclusive(sources, dist, wait=wait, say=lambda message: click.echo(message, err=True)), \
                stopped_by(signal.SIGTERM, signal.SIGHUP):
            return run_export(sources, dist, now, reporter, debug=debug, embargoed=embargoed, jobs=jobs, force=force,
                              printer=printer)
    except OSError as exc:  # the locks beside the folders could not be made: a read-only folder, say
        if debug or exc.errno not in MACHINE_FAULTS:
            raise
        return machine_fault(exc, dist, reporter)


def stopped(exc: KeyboardInterrupt, dist: Path, debug: bool) -> NoReturn:
    """Ctrl-C or a signal during an export: say that nothing of it was published, and exit as the signal asks."""
    if debug:
        raise exc
    try:
        click.echo(f"\nstopped; nothing of this export was published: {dist} is as it was", err=True)
    except OSError:  # the terminal that was hung up
        pass
    sys.exit(128 + getattr(exc, "signal", signal.SIGINT))


def say_summary(summary, embargoed: Path | None) -> None:
    """When the next release goes out, then the summary line: on stderr when something failed."""
    line = summary_line(summary)
    if embargoed is not None:
        line = f"{plural(summary.press_copies, 'embargoed press copy', 'embargoed press copies')} in {embargoed}; " + line
    if summary.next_publication:  # above the summary, which stays the last line
        click.echo(f"next publication: {summary.next_publication}", err=not summary.ok)
    click.echo(line, err=not summary.ok)
