"""Printing on a Dask cluster (`press export --cluster tcp://HOST:8786`): the only module that imports Dask.

The build prepares every release on this machine, as for a local export, and sends each PDF to be printed as
a job that holds all it needs: the printable page, the release's own files (its images) as bytes, and the
press room's files (the theme's stylesheets and fonts, the logo) by content hash, which a worker fetches from
the scheduler once and keeps. Workers need no shared file system and never write dist/: the PDF comes back as
bytes, and the build writes it as it writes one printed here.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import ctypes.util
import functools
import hashlib
import os
import platform
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import distributed

from pipeline import __version__
from pipeline.build.printer import PrinterFault, print_pdf
from pipeline.render.printjob import NO_SYSTEM_FONTS, Printed, PrintJob
from pipeline.problems import Problem

CONNECT_SECONDS = 10
PATIENCE_SECONDS = 60  # how long an export waits for a cluster without workers before it stops
STORE_MEGABYTES = 512  # the press room's files a worker keeps between jobs


@dataclass(frozen=True, slots=True)
class Stored:
    """A file of the press room in a job, by content: `digest`, its sha256, is published on the scheduler as `name`."""

    digest: str
    name: str


class WorkerDiffers(Exception):
    """A worker that would print other bytes than this machine: another version of the pipeline or its libraries."""


class ClusterPrinter:
    """Prints on the Dask cluster whose scheduler is at `address`, answering as the local Printer does: a Future of
    each job's Printed, the same bytes whatever worker printed it.

    It connects when the first release is to be printed, and checks that every worker would print what this
    machine would (`identity`). A worker that dies has its jobs run again by Dask elsewhere; one job that ends
    every worker it runs on fails its release alone. `say` tells the user what a wait is for.
    """

    kept = False  # one export; a preview prints locally

    def __init__(self, address: str, say: Callable[[str], None] = lambda line: None, patience: float = PATIENCE_SECONDS):
        self.address, self.say, self.patience = address, say, patience
        self.client: distributed.Client | None = None
        self.workers = 0  # worker processes, each printing one PDF at a time
        self.expected: dict[str, str] = {}
        self.names = f"press-{uuid.uuid4().hex[:12]}"  # this export's files on the scheduler, removed at its end
        self.published: dict[str, str] = {}  # digest -> name
        self.digests: dict[Path, tuple[tuple, str]] = {}  # file -> (size and time of change, sha256)
        self.pending: dict[concurrent.futures.Future, distributed.Future] = {}
        self.lock = threading.Lock()
        self.over = threading.Event()

    def start_workers(self, count: int) -> None:
        """Connect once something is to be printed; the cluster's workers are already running."""
        if count and self.client is None:
            self._connect()

    def _connect(self) -> None:
        self.say(f"connecting to the Dask scheduler at {self.address}")
        try:
            self.client = distributed.Client(self.address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise PrinterFault(f"the Dask scheduler at {self.address} cannot be reached ({_reason(exc)}); start it "
                               "with 'dask scheduler' on that machine, or check the address (tcp://HOST:8786)") from None
        try:
            self.client.wait_for_workers(1, timeout=self.patience)
        except TimeoutError:
            raise PrinterFault(f"the Dask scheduler at {self.address} has no workers (waited {self.patience:.0f} s); "
                               f"start them with 'dask worker {self.address} --nthreads 1' on each machine") from None
        self.expected = identity()
        self._check_workers()
        threading.Thread(target=self._watch, daemon=True, name="press-cluster-watch").start()

    def _check_workers(self) -> None:
        """Every worker runs the same pipeline, libraries and fonts as this machine, or the export stops here."""
        answers = self.client.run(identity, on_error="return")
        differing = []
        for worker, theirs in sorted(answers.items()):
            if isinstance(theirs, BaseException):
                differing.append(f"the Dask worker at {worker} cannot run press-pipeline ({_reason(theirs)}); install "
                                 f"press-pipeline[cluster] {__version__} there, as here, and start the worker again")
            elif theirs != self.expected:
                differing.append(f"the Dask worker at {worker} would print other PDFs than this machine: "
                                 f"{differences(theirs, self.expected)}; install the same press-pipeline and "
                                 "libraries there as here, and start the worker again")
        if differing:
            raise PrinterFault(*differing)
        threads = self.client.nthreads()
        self.workers = len(threads)
        for worker in threads:  # their WeasyPrint import overlaps with the build's first releases, as a local worker's
            distributed.fire_and_forget(self.client.submit(_warm, workers=[worker], pure=False))
        self.say(f"printing on {self.workers} Dask worker{'s' * (self.workers != 1)} at {self.address}")
        for worker, count in sorted(threads.items()):
            if count > 1:  # the layout is Python code: threads of one process take turns
                self.say(f"note: the Dask worker at {worker} has {count} threads but prints one PDF at a time; start "
                         f"it as 'dask worker {self.address} --nworkers {count} --nthreads 1' to print {count} at once")

    def submit(self, job: PrintJob) -> concurrent.futures.Future:
        self.start_workers(1)
        answer: concurrent.futures.Future = concurrent.futures.Future()
        remote = self.client.submit(print_shipped, self._shipped(job), self.expected, pure=False,
                                    key=f"press-pdf-{uuid.uuid4().hex}")
        with self.lock:
            self.pending[answer] = remote
        remote.add_done_callback(functools.partial(self._arrived, answer, job))
        return answer

    def _arrived(self, answer: concurrent.futures.Future, job: PrintJob, remote: distributed.Future) -> None:
        """In Dask's callback thread: the answer of `remote`, or why there is none."""
        with self.lock:
            if self.pending.pop(answer, None) is None:  # stopped, or failed by the watch
                return
        try:
            if remote.status == "cancelled":
                raise PrinterFault(f"the connection to the Dask scheduler at {self.address} was lost; check that the "
                                   "scheduler runs, and export again")
            answer.set_result(remote.result())
        except distributed.KilledWorker:
            answer.set_result(Printed(problems=(Problem(job.source, 1, "error", "the PDF could not be made: every Dask "
                                                        "worker that printed it stopped (it ran out of memory, or "
                                                        "crashed); shorten the release, or use fewer or smaller images"),)))
        except WorkerDiffers as exc:
            answer.set_exception(PrinterFault(str(exc)))
        except BaseException as exc:  # as from a local worker: the release fails with it, or the export stops
            answer.set_exception(exc)

    def outcome(self, future: concurrent.futures.Future, job: PrintJob) -> Printed | BaseException:
        failed = future.exception()
        if isinstance(failed, PrinterFault):
            raise failed
        return failed or future.result()

    def _watch(self) -> None:
        """Stops the export if the cluster has had no worker for `patience` seconds while jobs wait: Dask would
        wait for one for ever."""
        alone_since = None
        while not self.over.wait(2):
            try:
                workers = len(self.client.nthreads()) if self.pending else 1
            except Exception:  # the connection is being lost: the jobs' own answers say so
                continue
            alone_since = None if workers else alone_since or time.monotonic()
            if alone_since and time.monotonic() - alone_since > self.patience:
                self._fail_pending(PrinterFault(f"the Dask cluster at {self.address} has had no workers for "
                                                f"{self.patience:.0f} seconds; start them with 'dask worker "
                                                f"{self.address} --nthreads 1', and export again"))

    def _fail_pending(self, fault: PrinterFault) -> None:
        with self.lock:
            answers, self.pending = list(self.pending), {}
        for answer in answers:
            answer.set_exception(fault)

    def _shipped(self, job: PrintJob) -> PrintJob:
        """`job` as a worker receives it: the release's own files as bytes, the press room's by content hash."""
        def carried(url: str, file: Path | bytes) -> bytes | Stored:
            if isinstance(file, bytes) or url.startswith(job.base_url):
                return file if isinstance(file, bytes) else file.read_bytes()
            return self._stored(file)

        files = {url: carried(url, file) for url, file in job.files.items()}
        theme_files = {url: files[url] if url in files else carried(url, file) for url, file in job.theme_files.items()}
        return replace(job, files=files, theme_files=theme_files)

    def _stored(self, path: Path) -> Stored:
        info = path.stat()
        known = self.digests.get(path)
        if known is None or known[0] != (info.st_size, info.st_mtime_ns):
            data = path.read_bytes()
            known = self.digests[path] = ((info.st_size, info.st_mtime_ns), hashlib.sha256(data).hexdigest())
            if known[1] not in self.published:
                name = f"{self.names}-{known[1]}"
                self.client.publish_dataset(data, name=name, override=True)
                self.published[known[1]] = name
        return Stored(known[1], self.published[known[1]])

    def done(self) -> None:
        """Nothing more will be submitted; the cluster's workers stay, for other exports."""

    def close(self, stopped: bool = False) -> None:
        """Cancel what is still printing when `stopped` (Ctrl-C, an error), remove this export's files from the
        scheduler, and disconnect."""
        self.over.set()
        if self.client is None:
            return
        with self.lock:
            remote, self.pending = list(self.pending.values()), {}
        try:
            if remote:
                self.client.cancel(remote, force=True)
            for name in self.published.values():
                self.client.unpublish_dataset(name)
        except Exception:  # a scheduler already gone keeps nothing of this export
            pass
        self.client.close()
        self.client = None

    end = close


# On a worker.

_STORE: dict[str, bytes] = {}  # the press room's files this worker process has fetched, by sha256
_PRINTING = threading.RLock()  # one PDF at a time: WeasyPrint's warnings and fonts are the process's own


def print_shipped(job: PrintJob, expected: dict[str, str]) -> Printed:
    """On a worker: one release's PDF from its shipped job, once the worker is known to print as `expected`."""
    with _PRINTING:
        if (mine := identity()) != expected:
            raise WorkerDiffers(f"the Dask worker at {distributed.get_worker().address} would print other PDFs than "
                                f"the export's machine: {differences(mine, expected)}; install the same "
                                "press-pipeline and libraries there, and start the worker again")
        files = {url: _fetched(file) for url, file in job.files.items()}
        theme_files = {url: files[url] if url in files else _fetched(file) for url, file in job.theme_files.items()}
        return print_pdf(replace(job, files=files, theme_files=theme_files))


def _warm() -> None:
    import pipeline.render.pdf  # noqa: F401  a second's import, paid before the first job


def _fetched(file: bytes | Stored) -> bytes:
    if isinstance(file, bytes):
        return file
    if file.digest not in _STORE:
        data = distributed.get_client().get_dataset(file.name)
        if hashlib.sha256(data).hexdigest() != file.digest:
            raise ValueError(f"the file {file.name} arrived damaged")
        if sum(map(len, _STORE.values())) + len(data) > STORE_MEGABYTES * 2**20:
            _STORE.clear()
        _STORE[file.digest] = data
    return _STORE[file.digest]


# On both: what decides the bytes of a PDF besides its job.

@functools.cache
def identity() -> dict[str, str]:
    """This process's pipeline and the libraries it prints with; the fonts come with every job, and the print
    configuration must reach no other (`fonts outside the theme`)."""
    from pipeline.build.export import code_fingerprint

    with _PRINTING:  # the font count sets FONTCONFIG_FILE for a moment, as a print does
        return {
            "press-pipeline": f"{__version__} (code {code_fingerprint()[:12]})",
            "Python": platform.python_version(),
            "zlib": zlib.ZLIB_RUNTIME_VERSION,
            **_text_libraries(),
        }


def differences(there: dict[str, str], here: dict[str, str]) -> str:
    """'Pango 1.50.12 there, 1.56.3 here; ...'."""
    return "; ".join(f"{key} {there.get(key, 'missing')} there, {value} here" for key, value in here.items()
                     if there.get(key) != value)


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
    worker (a PDF's fonts are the theme's, carried in its job)."""
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
