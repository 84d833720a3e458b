"""`press serve`: a preview of the releases as they are written, drafts and embargoes included."""

from __future__ import annotations

import os
import sys
import threading
import traceback
import time
from pathlib import Path

import click

from pipeline.cli.export import ConsoleReporter, summary_line
from pipeline.cli.options import shown

LOCAL = ("127.0.0.1", "localhost", "::1")


class _Reporter(ConsoleReporter):
    """Problems to the terminal, and kept for the notice the preview shows on its pages."""

    def __init__(self):
        super().__init__(quiet=True)
        self.problems = []

    def problem(self, problem) -> None:
        self.problems.append(problem.format(shown(problem.path)))
        super().problem(problem)


@click.command(short_help="Preview the releases as you write, drafts too; pages reload themselves.")
@click.argument("sources", default="sources", type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to serve on; 0 takes a free one.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to serve on. Another than 127.0.0.1 lets others on the network see drafts and "
                   "releases under embargo.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=os.cpu_count() or 1, show_default="the number of cores",
              help="Print PDFs in this many worker processes.")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
def serve(sources: Path, port: int, host: str, jobs: int, debug: bool) -> None:
    """Build a preview of SOURCES (default: sources/) and serve it on this machine.

    Drafts and releases not public yet are shown too, each with a banner on
    the page and in the PDF. The preview is built in .cache/preview/, never in
    dist/. Every save under the sources or the themes builds it again, and an
    open page reloads itself; the build's problems are printed here and shown
    on the page. Ctrl-C stops.
    """
    from pipeline.build.preview import Preview, server

    if not sources.is_dir():
        raise click.UsageError(f"sources folder '{sources}' does not exist")
    if host not in LOCAL:
        click.echo(f"press serve: warning: serving on {host} shows drafts and releases under embargo to anyone who "
                   "can reach this machine", err=True)
    preview = Preview(sources, jobs, _Reporter, debug)
    try:
        httpd = server(preview, host, port)
    except OSError as exc:
        click.echo(f"press serve: port {port} on {host} cannot be used ({exc.strerror}); give another with --port",
                   err=True)
        sys.exit(1)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # every address: this machine's own works
    address = f"http://{shown_host if ':' not in shown_host else f'[{shown_host}]'}:{httpd.server_port}/"
    serving = False
    try:
        click.echo(f"Building the preview of {shown(sources)} …", err=True)
        _build(preview)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        serving = True
        click.echo(f"Serving the preview at {address} (drafts and releases under embargo included); Ctrl-C stops.")
        while True:
            time.sleep(0.1)  # a look at the files' times: a few milliseconds at 1,000 releases
            if preview.stale():
                _build(preview)
    except KeyboardInterrupt:
        click.echo("\nstopped", err=True)
    finally:
        if serving:
            httpd.shutdown()
        httpd.server_close()
        preview.end()


def _build(preview) -> None:
    """Build the preview and say how it went; a build that fails keeps what was built before, and the server."""
    try:
        summary = preview.build()
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a bug, or a file that vanished while it was read: the author saves again
        if preview.debug:
            traceback.print_exc()
        click.echo(f"{time.strftime('%H:%M:%S')} the preview could not be built ({type(exc).__name__}: "
                   f"{' '.join(str(exc).split())[:300]}); what was built before is still served: fix it and save again",
                   err=True)
        return
    click.echo(f"{time.strftime('%H:%M:%S')} preview built: {summary_line(summary)}", err=True)
