"""PDF printing, the slow stage, in worker processes beside the rest of the export.

The build prepares each release (pandoc, pages, wire texts) and hands its
printable page to a worker as a PrintJob; a worker imports WeasyPrint once, as
it starts, so the import overlaps with the build's own work.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from pipeline.limits import PDF_MEGABYTES
from pipeline.orphans import end_with
from pipeline.render.printjob import Printed, PrintJob
from pipeline.problems import ContentError, Problem


class PrintsPDFs(Protocol):
    """What the export needs of a printer: the Printer below, or a cluster's (build/cluster.py)."""

    kept: bool  # whether its workers outlive one export
    workers: int  # how many PDFs it prints at once

    def start_workers(self, count: int) -> None: ...  # `count` releases will be printed
    def submit(self, job: PrintJob) -> Future: ...
    def outcome(self, future: Future, job: PrintJob) -> Printed | BaseException: ...
    def done(self) -> None: ...  # nothing more will be submitted
    def close(self, stopped: bool = False) -> None: ...


class PrinterFault(Exception):
    """The printing itself cannot go on (a cluster that cannot be reached, was lost, or prints differently): the
    export stops and publishes nothing. Each argument is one line to say."""


class _TooLong(Exception):
    """The PDF took longer than its limit."""


_late = [False]  # whether the job's time ran out, even if the drawing code swallowed the exception


def _too_long(signum, frame) -> None:
    _late[0] = True
    raise _TooLong


def _limit_time(seconds: int) -> None:
    """Stop the job after `seconds`: the timer raises _TooLong then, and again every tenth of a second, since
    WeasyPrint catches every exception around an SVG drawing; and the kernel ends the worker at twice the
    limit in processor time, for a drawing that never comes back to Python."""
    _late[0] = False
    signal.signal(signal.SIGALRM, _too_long)  # a worker runs its jobs in its main thread, where signals arrive
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        import resource

        usage = resource.getrusage(resource.RUSAGE_SELF)
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(usage.ru_utime + usage.ru_stime + 2 * seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    except (ImportError, ValueError, OSError):  # not on this system: the timer alone
        pass


def _end_time_limit() -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CPU, (resource.getrlimit(resource.RLIMIT_CPU)[1],) * 2)
    except (ImportError, ValueError, OSError):
        pass


def print_pdf(job: PrintJob) -> Printed:
    """One release's PDF, in a worker; problems in its content, and a PDF past its time or memory limit, come
    back as data."""
    from pipeline.render.pdf import render_pdf  # WeasyPrint: already imported by _start in a worker

    too_long = Printed(problems=(Problem(job.source, 1, "error", f"making the PDF took longer than {job.seconds} "
                                         "seconds, the limit; shorten the release, or use fewer or smaller images"),))
    try:
        try:
            _limit_time(job.seconds)
            artifact, pages = render_pdf(
                job.html, job.base_url, job.files, job.path, job.source, job.embedded, job.stylesheets, job.theme_files, job.font_list
            )
        finally:
            _end_time_limit()  # a last tick may still come before this: caught below
    except _TooLong:
        return too_long
    except ContentError as exc:
        return too_long if _late[0] else Printed(problems=tuple(exc.problems))
    except MemoryError:
        return Printed(problems=(Problem(job.source, 1, "error", f"making the PDF needed more than {PDF_MEGABYTES} MB of "
                                         "memory, the limit; shorten the release, or use smaller images"),))
    return too_long if _late[0] else Printed(artifact.data, pages)


def _start(parent: int) -> None:
    """A worker's start: it ends with its parent (`parent`, the export's process), keeps within its memory,
    and imports WeasyPrint."""
    end_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the export stops its workers itself
    for told_to_end in (signal.SIGTERM, signal.SIGHUP):  # not the export's own way of stopping, which a fork inherits
        signal.signal(told_to_end, signal.SIG_DFL)
    try:
        import resource

        limit = PDF_MEGABYTES * 2**20
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    except (ImportError, ValueError, OSError):  # not on this system: no limit rather than no PDF
        pass
    import pipeline.render.pdf  # noqa: F401  a second's import, paid while the parent converts the first releases


class Printer:
    """Prints in `jobs` worker processes, never in the export's own: a worker has the memory limit, and a
    crash in the C libraries that draw (a hostile image or font) ends that worker, not the export.

    Workers are started as soon as the build knows that something is to be
    printed (`start_workers`), so that their WeasyPrint import overlaps with the
    build's own checking and converting; more are added if more work shows up.
    """

    def __init__(self, jobs: int, work=print_pdf, kept: bool = False, fork: bool = True):
        self.jobs = jobs
        self.kept = kept  # for many builds (press serve, a cluster's worker): workers stay, warm, until end()
        self.fork = fork  # False where threads already run (a cluster's worker): every pool is spawned
        self.work = work  # what a worker does with a job (a test may give its own)
        self.pools: list[tuple[ProcessPoolExecutor, int]] = []  # (pool, workers)
        self.sent: list[int] = []
        self.alone: ProcessPoolExecutor | None = None  # for jobs again whose worker died, one at a time
        self.processes: set = set()  # the workers started here, so that close() stops no one else's

    @property
    def workers(self) -> int:
        return sum(size for _, size in self.pools)

    def start_workers(self, count: int) -> None:
        """`count` releases will be printed in all: start as many workers as that needs, up to `jobs`."""
        wanted = min(self.jobs, count)
        if wanted <= self.workers:
            return
        # fork starts a worker at once with what this process imported, but only before any thread exists:
        # the first pool starts its threads, so a pool added later uses spawn.
        self.pools.append((self._start_pool(wanted - self.workers, fork=self.fork and not self.pools), wanted - self.workers))
        self.sent.append(0)

    def submit(self, job: PrintJob) -> Future:
        self.start_workers(1)
        i = min(range(len(self.pools)), key=lambda i: self.sent[i] / self.pools[i][1])
        self.sent[i] += 1
        try:
            return self.pools[i][0].submit(self.work, job)
        except BrokenProcessPool:  # a worker of this pool died: the jobs it had are printed again by outcome()
            pool, size = self.pools[i]
            pool.shutdown(wait=False, cancel_futures=True)
            self.pools[i] = (self._start_pool(size, fork=False), size)
            return self.pools[i][0].submit(self.work, job)

    def outcome(self, future: Future, job: PrintJob) -> Printed | BaseException:
        """What printing `job` gave. When a worker dies (a crash while drawing, its memory or time limit, a
        kill from outside), every job of its pool fails with it: each is printed again alone, in a worker of
        its own, so that only a release that ends its worker fails and the others are printed."""
        failed = future.exception()
        if not isinstance(failed, BrokenProcessPool):
            return failed or future.result()
        if self.alone is None:
            self.alone = self._start_pool(1, fork=False)
        again = self.alone.submit(self.work, job)
        failed = again.exception()
        if isinstance(failed, BrokenProcessPool):
            self.alone.shutdown(wait=False, cancel_futures=True)
            self.alone = None
        return failed or again.result()

    def _start_pool(self, size: int, fork: bool) -> ProcessPoolExecutor:
        method = "fork" if fork and "fork" in multiprocessing.get_all_start_methods() else "spawn"
        before = set(multiprocessing.active_children())
        pool = ProcessPoolExecutor(size, mp_context=multiprocessing.get_context(method), initializer=_start,
                                   initargs=(os.getpid(),))
        pool.submit(int)  # a worker starts at its pool's first task: now, not when the first job is ready
        self.processes |= set(multiprocessing.active_children()) - before
        return pool

    def done(self) -> None:
        """Nothing more will be submitted: workers may exit while the build goes on."""
        if self.kept:
            return
        for pool in self._all_pools():
            pool.shutdown(wait=False)

    def close(self, stopped: bool = False) -> None:
        """Let the workers go; `stopped` (Ctrl-C, an error that ends the export): without finishing their PDFs.
        Kept workers stay for the next build unless it was stopped."""
        if self.kept and not stopped:
            return
        self.end(stopped)

    def end(self, stopped: bool = False) -> None:
        """Let the workers go, kept or not."""
        if stopped or not any(self.sent):
            # Started on a hint and given nothing to print: stop the WeasyPrint import rather than wait for it.
            for process in self.processes:
                process.terminate()
        for pool in self._all_pools():
            pool.shutdown(cancel_futures=True)
        self.pools, self.sent, self.alone, self.processes = [], [], None, set()  # a kept printer may start again

    def _all_pools(self) -> list[ProcessPoolExecutor]:
        return [pool for pool, _ in self.pools] + ([self.alone] if self.alone else [])
