"""A worker's task that ends its worker for one release, as a crash while drawing would: importable by the
workers a test's printer starts, which run it in place of WeasyPrint."""

from __future__ import annotations

import os
import time

from pipeline.render.printjob import Printed, PrintJob


def print_or_die(job: PrintJob) -> Printed:
    if job.path.endswith("ond.pdf"):
        os._exit(11)  # as a segmentation fault in a C library ends the process: no exception, no answer
    time.sleep(0.3)
    return Printed(f"PDF of {job.path}".encode(), 1)
