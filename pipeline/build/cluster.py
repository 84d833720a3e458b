"""Printing on a Dask cluster (`press export --cluster tcp://HOST:8786`): the only module that imports Dask.

The build prepares every release on this machine, as for a local export, and sends each PDF to be printed as
a job that holds all it needs: the printable page, the release's own files it names (its images) as bytes,
and the press room's files (the theme's stylesheets and fonts, the logo) by content hash, which a worker
fetches from the scheduler once and keeps. Workers need no shared file system and never write dist/: the PDF
comes back as bytes, and the build writes it as it writes one printed here.

A worker prints as a local export does, in processes of its own (build/printer.py), with the same limits of
time and memory: a release that hangs or crashes the drawing fails alone, and the worker goes on.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import ctypes.util
import functools
import hashlib
import logging
import multiprocessing
import os
import platform
import threading
import time
import uuid
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import distributed

from pipeline import __version__
from pipeline.build.printer import Printer, PrinterFault
from pipeline.render.printjob import NO_SYSTEM_FONTS, Printed, PrintJob, content
from pipeline.problems import Problem

CONNECT_SECONDS = 10
PATIENCE_SECONDS = 60  # how long an export waits for a cluster without workers before it stops
STORE_MEGABYTES = 512  # the press room's files a worker keeps between jobs
# What the client raises when the scheduler is gone or the connection breaks.
CONNECTION_LOST = (OSError, TimeoutError, distributed.client.FutureCancelledError, distributed.client.ClosedClientError)


@dataclass(frozen=True, slots=True)
class Stored:
    """A file of the press room in a job, by content: `digest`, its sha256, is published on the scheduler as `name`."""

    digest: str
    name: str


class ClusterFault(Exception):
    """Raised on a worker that cannot print as the export expects (another version, a file missing): the export stops."""


class ClusterPrinter:
    """Prints on the Dask cluster whose scheduler is at `address`, answering as the local Printer does: a Future of
    each job's Printed, the same bytes whatever worker printed it.

    It connects when the first job comes, and checks that every worker would print what this machine would
    (`identity`). A worker that dies has its jobs run again by Dask elsewhere. `say` tells the user what a wait
    is for; `patience` is how long a cluster may have no worker while jobs wait.
    """

    kept = False  # one export; press serve prints locally

    def __init__(self, address: str, say: Callable[[str], None] = lambda line: None, patience: float = PATIENCE_SECONDS):
        self.address, self.say, self.patience = address, say, patience
        self.client: distributed.Client | None = None
        self.workers = 0  # PDFs the cluster prints at once: its workers' threads, each with a print process
        self.expected: dict[str, str] = {}
        self.published: set[str] = set()  # digests of the files this export put on the scheduler
        self.digests: dict[Path, tuple[tuple, str]] = {}  # file -> (size and time of change, sha256)
        self.pending: dict[concurrent.futures.Future, distributed.Future] = {}
        self.lock = threading.Lock()
        self.over = threading.Event()

    def start_workers(self, count: int) -> None:
        """The cluster's workers are already running: nothing to start. The connection waits for the first job, so
        that an export with nothing to print needs no cluster."""

    def _connect(self) -> None:
        self.say(f"connecting to the Dask scheduler at {self.address}")
        _quiet_dask()
        _reachable(self.address)
        try:
            self.client = distributed.Client(self.address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (*CONNECTION_LOST, ValueError) as exc:
            raise PrinterFault(f"the Dask scheduler at {self.address} cannot be reached ({_reason(exc)}); start it "
                               "with 'dask scheduler' on that machine, or check the address (tcp://HOST:8786)") from None
        try:
            if not self.client.nthreads():
                self.say(f"the Dask scheduler has no workers yet: waiting up to {self.patience:.0f} s for one")
            self.client.wait_for_workers(1, timeout=self.patience)
        except TimeoutError:
            raise PrinterFault(f"the Dask scheduler at {self.address} has no workers (waited {self.patience:.0f} s); "
                               f"start them with 'dask worker {self.address}' on each machine that is to print") from None
        self.expected = identity()
        self._check_workers()
        threading.Thread(target=self._watch, daemon=True, name="press-cluster-watch").start()

    def _check_workers(self) -> None:
        """Every worker runs the same pipeline, libraries and fonts as this machine, or the export stops here."""
        answers = self.client.run(identity, on_error="return")
        differing = []
        for worker, theirs in sorted(answers.items()):
            if isinstance(theirs, (ImportError, AttributeError, TypeError)):  # no pipeline there, or another one
                differing.append(f"the Dask worker at {worker} cannot run press-pipeline ({_reason(theirs)}); install "
                                 f"press-pipeline[cluster] {__version__} there, as here, and start the worker again")
            elif isinstance(theirs, BaseException):
                differing.append(f"the Dask worker at {worker} did not answer ({_reason(theirs)}); check that it runs, "
                                 "and export again")
            elif theirs != self.expected:
                differing.append(worker_differs(worker, theirs, self.expected))
        if differing:
            raise PrinterFault(*differing)
        threads = self.client.nthreads()
        self.workers = sum(threads.values())
        self.say(f"printing on {len(threads)} Dask worker{'s' * (len(threads) != 1)} at {self.address}, "
                 f"{self.workers} PDF{'s' * (self.workers != 1)} at a time")
        self.client.run(_warm, wait=False)  # their print processes start while the build converts the first releases

    def submit(self, job: PrintJob) -> concurrent.futures.Future:
        answer: concurrent.futures.Future = concurrent.futures.Future()
        try:
            if self.client is None:
                self._connect()
            remote = self.client.submit(print_shipped, self._shipped(job), self.expected,
                                        key=f"press-pdf-{uuid.uuid4().hex}")
        except CONNECTION_LOST as exc:
            if isinstance(exc, OSError) and exc.filename:  # a file that cannot be read: the release's own problem
                answer.set_exception(exc)
                return answer
            raise PrinterFault(f"the connection to the Dask scheduler at {self.address} was lost ({_reason(exc)}); "
                               "check that it runs, and export again") from None
        with self.lock:
            self.pending[answer] = remote
        remote.add_done_callback(functools.partial(self._arrived, answer, job))
        return answer

    def _arrived(self, answer: concurrent.futures.Future, job: PrintJob, remote: distributed.Future) -> None:
        """In Dask's callback thread: the answer of `remote`, or why there is none."""
        with self.lock:
            if self.pending.pop(answer, None) is None:  # stopped, or failed by the watch
                return
        if remote.status == "cancelled":
            answer.set_exception(PrinterFault(f"the connection to the Dask scheduler at {self.address} was lost; "
                                              "check that it runs, and export again"))
            return
        try:
            answer.set_result(remote.result())
        except distributed.KilledWorker:
            answer.set_result(Printed(problems=(Problem(job.source, 1, "error", "the PDF could not be made: each Dask "
                                                        "worker that printed it stopped (out of memory, or stopped "
                                                        "from outside); export again, and if it happens again, "
                                                        "shorten the release or use fewer or smaller images"),)))
        except ClusterFault as exc:
            answer.set_exception(PrinterFault(str(exc)))
        except BaseException as exc:  # as from a local worker: the release fails with it
            answer.set_exception(exc)

    def outcome(self, future: concurrent.futures.Future, job: PrintJob) -> Printed | BaseException:
        failed = future.exception()
        if isinstance(failed, PrinterFault):
            raise failed
        return failed or future.result()

    def _watch(self) -> None:
        """Stops the export if, while jobs wait, the cluster has had no worker, or its scheduler has not answered,
        for `patience` seconds: Dask would wait for ever."""
        waiting_since = None
        while not self.over.wait(2):
            try:
                workers = len(self.client.nthreads(callback_timeout=5)) if self.pending else 1
                silent = False
            except Exception:  # no answer: a scheduler stopped, or a connection being lost
                workers, silent = 0, True
            if not workers and waiting_since is None:
                waiting_since = time.monotonic()
                self.say(f"the Dask cluster {'does not answer' if silent else 'has no workers'}: waiting up to "
                         f"{self.patience:.0f} s")
            elif workers:
                waiting_since = None
            if waiting_since and time.monotonic() - waiting_since > self.patience:
                why = "has not answered" if silent else "has had no workers"
                self._fail_pending(PrinterFault(f"the Dask cluster at {self.address} {why} for {self.patience:.0f} "
                                                f"seconds; check that its scheduler and workers run ('dask worker "
                                                f"{self.address}' starts one), and export again"))

    def _fail_pending(self, fault: PrinterFault) -> None:
        with self.lock:
            answers, self.pending = list(self.pending), {}
        for answer in answers:
            answer.set_exception(fault)

    def _shipped(self, job: PrintJob) -> PrintJob:
        """`job` as a worker receives it: the release's own files as bytes, the press room's by content hash."""
        def carried(url: str, file: Path | bytes) -> bytes | Stored:
            return content(file) if isinstance(file, bytes) or url.startswith(job.base_url) else self._stored(file)

        files = {url: carried(url, file) for url, file in job.files.items()}
        return replace(job, files=files, theme_files={url: files[url] for url in job.theme_files})

    def _stored(self, path: Path) -> Stored:
        info = path.stat()
        known = self.digests.get(path)
        if known is None or known[0] != (info.st_size, info.st_mtime_ns):
            data = path.read_bytes()
            known = self.digests[path] = ((info.st_size, info.st_mtime_ns), hashlib.sha256(data).hexdigest())
            if known[1] not in self.published:
                # Named by content: exports that run at once share it, and the scheduler keeps one copy of each
                # version of a file until it restarts (a theme's files: a few megabytes).
                self.client.publish_dataset(data, name=f"press-file-{known[1]}", override=True)
                self.published.add(known[1])
        return Stored(known[1], f"press-file-{known[1]}")

    def done(self) -> None:
        """Nothing more will be submitted; the cluster's workers stay, for other exports."""

    def close(self, stopped: bool = False) -> None:
        """Cancel what is still to print when `stopped` (Ctrl-C, an error), and disconnect; a scheduler that is gone
        or does not answer is not waited for long."""
        self.over.set()
        client, self.client = self.client, None
        if client is None:
            return
        with self.lock:
            remote, self.pending = list(self.pending.values()), {}
        try:
            if remote and client.status == "running":
                client.cancel(remote, force=True)  # a message sent, not an answer awaited
            client.close(timeout=CONNECT_SECONDS)
        except Exception:  # a scheduler that is gone keeps nothing of this export worth waiting for
            pass


def _reachable(address: str) -> None:
    """A usable address, and a Dask scheduler that answers there within CONNECT_SECONDS: Dask's own client waits
    for ever for a server that is not one (a web page's port), or a scheduler that is stopped."""
    import asyncio

    from distributed.comm import connect, parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(address)
        get_backend(scheme)
        parse_host_port(location)
    except ValueError as exc:
        raise PrinterFault(f"'{address}' is not the address of a Dask scheduler ({_reason(exc)}); give it as "
                           "tcp://HOST:8786") from None
    if scheme == "tls" and distributed.Security().get_connection_args("client")["ssl_context"] is None:
        raise PrinterFault(f"{address} needs Dask's TLS settings (distributed.comm.tls: ca-file, and client: cert "
                           "and key, in Dask's configuration or its DASK_DISTRIBUTED__COMM__TLS__ variables)")

    async def answer() -> None:
        comm = await connect(address, timeout=CONNECT_SECONDS, **distributed.Security().get_connection_args("client"))
        await comm.close()

    def probe() -> None:  # in a thread of its own: the caller may already run an event loop (a notebook)
        try:
            asyncio.run(asyncio.wait_for(answer(), CONNECT_SECONDS + 2))
        except BaseException as exc:
            failed.append(exc)

    failed: list[BaseException] = []
    prober = threading.Thread(target=probe, daemon=True, name="press-cluster-probe")
    prober.start()
    prober.join(CONNECT_SECONDS + 5)
    if prober.is_alive():
        failed.append(TimeoutError(f"no answer in {CONNECT_SECONDS} s"))
    if failed:
        raise PrinterFault(f"the Dask scheduler at {address} cannot be reached ({_reason(failed[0])}); start it with "
                           "'dask scheduler' on that machine, or check the address (tcp://HOST:8786)") from None


def _quiet_dask() -> None:
    """Dask's own log lines and warnings would come between the export's; its failures are said as problems."""
    warnings.filterwarnings("ignore", module="distributed")  # a version table: the worker check says it in one line
    for name in [*logging.root.manager.loggerDict, "distributed"]:
        if name.startswith("distributed"):
            logger = logging.getLogger(name)
            logger.setLevel(logging.CRITICAL + 1)
            for handler in logger.handlers:
                handler.setLevel(logging.CRITICAL + 1)


def worker_differs(worker: str, theirs: dict[str, str], ours: dict[str, str]) -> str:
    """'the Dask worker at tcp://… would print other PDFs than this machine: Pango 1.50.12 there, 1.56.3 here; …'."""
    keys = [*ours, *(key for key in theirs if key not in ours)]
    found = "; ".join(f"{key} {theirs.get(key, 'missing')} there, {ours.get(key, 'missing')} here" for key in keys
                      if theirs.get(key) != ours.get(key))
    return (f"the Dask worker at {worker} would print other PDFs than this machine: {found}; install the same "
            "press-pipeline and libraries there as here, and start the worker again")


# On a worker.

_STORE: dict[str, bytes] = {}  # the press room's files this worker process has fetched, by sha256
_PRINTER: list[Printer] = []  # this worker's print processes, one for each of its threads
_STARTING = threading.Lock()  # the Printer is shared by the worker's threads


def print_shipped(job: PrintJob, expected: dict[str, str]) -> Printed:
    """On a worker: one release's PDF from its shipped job, once the worker is known to print as `expected`."""
    if (mine := identity()) != expected:
        raise ClusterFault(worker_differs(distributed.get_worker().address, mine, expected))
    files = {url: _fetched(file) for url, file in job.files.items()}
    job = replace(job, files=files, theme_files={url: files[url] for url in job.theme_files})
    printer = _printer()
    with _STARTING:
        future = printer.submit(job)
    future.exception()  # waits, without keeping the other threads from submitting theirs
    with _STARTING:
        printed = printer.outcome(future, job)
    if isinstance(printed, BaseException):  # its print process stopped, even alone: the export says so of the release
        raise printed
    return printed


def _printer() -> Printer:
    with _STARTING:
        if not _PRINTER:
            # Dask starts a worker as a daemonic process, which multiprocessing forbids to start others: the rule
            # keeps children from outliving it, and the print processes end with the worker (orphans.end_with).
            multiprocessing.current_process()._config["daemon"] = False
            _PRINTER.append(Printer(distributed.get_worker().state.nthreads, kept=True, fork=False))
            _PRINTER[0].start_workers(_PRINTER[0].jobs)
        return _PRINTER[0]


async def _warm() -> None:
    """Started on each worker as the export connects: its print processes' WeasyPrint import, a second or two,
    is paid before the first job (a coroutine, as Dask runs what it does not wait for)."""
    _printer()


def _fetched(file: bytes | Stored) -> bytes:
    if isinstance(file, bytes):
        return file
    if not isinstance(file, Stored):  # a job carries its files, never a path to read here
        raise ClusterFault(f"a job named a file by {type(file).__name__}, not by its content")
    if file.digest not in _STORE:
        try:
            data = distributed.get_client().get_dataset(file.name)
        except KeyError:
            raise ClusterFault(f"the file {file.name} is no longer on the Dask scheduler (was it restarted?); "
                               "export again") from None
        if not isinstance(data, bytes) or hashlib.sha256(data).hexdigest() != file.digest:
            raise ClusterFault(f"the file {file.name} arrived damaged from the Dask scheduler; export again")
        if sum(map(len, _STORE.values())) + len(data) > STORE_MEGABYTES * 2**20:
            _STORE.clear()
        _STORE[file.digest] = data
    return _STORE[file.digest]


# On both: what decides the bytes of a PDF besides its job.

@functools.cache
def identity() -> dict[str, str]:
    """This process's pipeline and the libraries it prints with; the fonts come with every job, and the print
    configuration must reach no other (`fonts outside the theme`)."""
    from pipeline.build.export import pipeline_code, rendering_libraries

    libraries = {}
    for folder in rendering_libraries():  # 'weasyprint-66.0.dist-info'
        name, version = folder.removesuffix(".dist-info").split("-", 1)
        libraries[name] = f"{libraries[name]} and {version}" if name in libraries else version
    return {
        "press-pipeline": __version__,
        "its code": pipeline_code()[:12],
        **libraries,
        "Python": platform.python_version(),
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
        **_text_libraries(),
    }


def _text_libraries() -> dict[str, str]:
    """The versions of the system's libraries that lay out text (WeasyPrint loads them itself), and how many fonts
    the print configuration reaches besides the theme's."""
    def library(name: str):
        found = ctypes.util.find_library(name)
        return ctypes.CDLL(found) if found else None

    out = {}
    pango, harfbuzz, fontconfig, freetype = (library(n) for n in ("pango-1.0", "harfbuzz", "fontconfig", "freetype"))
    for label, lib, call in (("Pango", pango, "pango_version_string"), ("HarfBuzz", harfbuzz, "hb_version_string")):
        if lib:
            getattr(lib, call).restype = ctypes.c_char_p
        out[label] = getattr(lib, call)().decode() if lib else "not found"
    if freetype:
        handle, parts = ctypes.c_void_p(), [ctypes.c_int() for _ in range(3)]
        freetype.FT_Init_FreeType(ctypes.byref(handle))
        freetype.FT_Library_Version(handle, *map(ctypes.byref, parts))
        freetype.FT_Done_FreeType(handle)
        out["FreeType"] = ".".join(str(p.value) for p in parts)
    else:
        out["FreeType"] = "not found"
    if fontconfig:
        version = fontconfig.FcGetVersion()
        out["Fontconfig"] = f"{version // 10000}.{version // 100 % 100}.{version % 100}"
        out["fonts outside the theme"] = str(_fonts_reached(fontconfig))
    else:
        out["Fontconfig"] = "not found"
    return out


def _fonts_reached(fontconfig) -> int:
    """How many fonts Fontconfig finds under the print configuration, which names no folder: none, on a sound
    machine (a PDF's fonts are the theme's, carried in its job)."""
    fontconfig.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fontconfig.FcConfigGetFonts.restype = ctypes.POINTER(ctypes.c_int)  # an FcFontSet, whose first field is its count
    fontconfig.FcConfigGetFonts.argtypes = [ctypes.c_void_p, ctypes.c_int]
    fontconfig.FcConfigDestroy.argtypes = [ctypes.c_void_p]
    before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(NO_SYSTEM_FONTS)
    try:
        config = fontconfig.FcInitLoadConfigAndFonts()
    finally:
        if before is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = before
    fonts = fontconfig.FcConfigGetFonts(config, 0)  # FcSetSystem
    count = fonts[0] if fonts else 0
    fontconfig.FcConfigDestroy(config)
    return count


def _reason(exc: BaseException) -> str:
    return str(exc).strip().rstrip(".") or type(exc).__name__
