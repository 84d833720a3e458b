"""Processes the export starts end with it, however it ends: kill -9 leaves no one to stop them.

Linux's parent-death signal has the kernel kill a child when its parent ends. Elsewhere a PDF
worker still sees its pipe to the export close, and pandoc its output; only the time limits
are then the export's own to enforce.
"""

from __future__ import annotations

import os
import signal
from functools import cache

PR_SET_PDEATHSIG = 1


@cache
def _prctl():
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return None


def end_with(parent: int) -> None:
    """Have the kernel kill this process when `parent` ends (in a child, before anything else).

    The request holds for the thread that started this process: pandoc and the workers are started
    by the export's main thread, which lives as long as the export.
    """
    prctl = _prctl()
    if prctl is None:
        return
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent was gone before the request was made
        os._exit(1)


def ending_with_this_process():
    """For subprocess's preexec_fn: the child ends with this process. The C function is found here, before
    the fork, so that the child only calls it."""
    _prctl()
    parent = os.getpid()
    return lambda: end_with(parent)
