"""One export at a time for a sources folder and for an output folder: two would both render, and race."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


class Busy(Exception):
    """Another export holds the lock and the caller chose not to wait."""


@contextmanager
def exclusive(sources: Path, dist: Path, wait: bool, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the locks of `sources` (in its build cache folder) and of `dist` (beside it) while the block runs.

    An advisory lock of the operating system: it is let go when the process ends, however it ends, so a
    killed export never leaves a stale lock behind.
    """
    files = []
    try:
        for what, path in (("sources", sources.resolve().parent / ".cache" / "export.lock"),
                           ("output", _beside(dist, ".lock"))):
            folder = sources if what == "sources" else dist
            try:
                files.append(take(path))
            except Held as held:
                if not wait:
                    held.handle.close()
                    raise Busy(f"another export of {folder} is running ({held.holder}); run again when it has "
                               "finished, or without --no-wait to wait for it") from None
                files.append(held.handle)
                say(f"waiting: another export of {folder} is running ({held.holder})")
                fcntl.flock(held.handle, fcntl.LOCK_EX)
                _mark(held.handle)
        yield
    finally:
        for handle in files:
            handle.close()  # closing lets the lock go


class Held(Exception):
    """Another process holds the lock: `holder` says which ('process 4242'); `handle` is the lock file, open."""

    def __init__(self, handle: TextIO, holder: str):
        super().__init__(holder)
        self.handle, self.holder = handle, holder


def take(path: Path) -> TextIO:
    """The lock of `path` (an advisory lock of the operating system, let go however the process ends), taken
    without waiting and marked with this process; Held when another process has it. Close the file to let go."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        raise Held(handle, handle.read().strip() or "another process") from None
    _mark(handle)
    return handle


def _mark(handle: TextIO) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(f"process {os.getpid()}\n")
    handle.flush()


def _beside(folder: Path, suffix: str) -> Path:
    """`.NAME{suffix}` beside `folder`, its path made whole first (`-o .` names the folder by its name)."""
    whole = Path(os.path.abspath(folder))
    return whole.parent / f".{whole.name}{suffix}"
