"""One export at a time for a sources folder and for an output folder: two would both render, and race."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


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
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(path, "a+")
            files.append(handle)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                folder = sources if what == "sources" else dist
                if not wait:
                    raise Busy(f"another export of {folder} is running ({holder}); run again when it has finished, "
                               "or without --no-wait to wait for it") from None
                say(f"waiting: another export of {folder} is running ({holder})")
                fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}\n")
            handle.flush()
        yield
    finally:
        for handle in files:
            handle.close()  # closing lets the lock go


def _beside(folder: Path, suffix: str) -> Path:
    """`.NAME{suffix}` beside `folder`, its path made whole first (`-o .` names the folder by its name)."""
    whole = Path(os.path.abspath(folder))
    return whole.parent / f".{whole.name}{suffix}"
