"""`press serve`: the author's preview, built apart from dist/ and made again on every save.

The preview is an export with `preview=True` into `.cache/preview/` (drafts and releases
not public yet shown too, with a banner). A small HTTP server on 127.0.0.1 serves it;
each page it sends gets a notice of the last build's problems and a line of script
that reloads the page when the next build is done (Server-Sent Events). The files
themselves hold neither: an export never has them.
"""

from __future__ import annotations

import html
import http.server
import mimetypes
import os
import posixpath
import threading
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.build.cache import Remembered, touched_since
from pipeline.build.export import Summary, export, scratch
from pipeline.build.printer import Printer

EVENTS = "/__press/events"
RELOAD = (f'<script>new EventSource("{EVENTS}").onmessage = () => location.reload();</script>')
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8", ".xml": "application/xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8", ".rss": "application/rss+xml; charset=utf-8",
    ".pdf": "application/pdf", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".woff2": "font/woff2",
}
SPECIAL_TYPES = {"feed.json": "application/feed+json; charset=utf-8",
                 ".newsml.xml": "application/vnd.iptc.g2.newsitem+xml; charset=utf-8"}


class Preview:
    """The preview folder, built again whenever the sources or the themes change; builds are counted."""

    def __init__(self, sources: Path, jobs: int, reporter_for: Callable[[], object], debug: bool = False):
        self.sources = sources
        self.debug = debug  # an internal error shows its traceback
        self.folder = sources.resolve().parent / ".cache" / "preview"
        self.site = self.folder / "site"
        self.jobs = jobs
        self.reporter_for = reporter_for
        self.builds = 0
        self.problems: list[str] = []  # the last build's problems, as the terminal showed them
        self.changed = threading.Condition()
        # Warm workers: a save is printed without a WeasyPrint import. Their temporary files (the theme's fonts,
        # copied once) stay in one scratch folder for as long as they live.
        self.held = ExitStack()
        self.held.enter_context(scratch(self.folder / "cache" / "scratch"))
        self.printer = Printer(jobs, kept=True)
        self.remembered = Remembered()  # and the releases that did not change are not read again

    def build(self) -> Summary:
        # Marked before it starts: a save while it runs is seen by stale() and builds again.
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "started").touch()
        reporter = self.reporter_for()
        summary = export(self.sources, self.site, datetime.now(timezone.utc), reporter, self.debug, jobs=self.jobs,
                         cache_dir=self.folder / "cache", preview=True, printer=self.printer,
                         remembered=self.remembered)
        self.remembered.end_build()
        with self.changed:
            self.problems = list(getattr(reporter, "problems", []))
            self.builds += 1
            self.changed.notify_all()
        return summary

    def end(self) -> None:
        """Let the kept workers go."""
        self.printer.end(stopped=True)
        self.held.close()

    def stale(self) -> bool:
        """Whether anything under the sources or the themes was saved since the last build."""
        return touched_since(self.folder / "started", [self.sources, self.sources.resolve().parent / "themes"])

    def wait_for_build(self, after: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.builds > after, timeout)
            return self.builds


def server(preview: Preview, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """An HTTP server of the preview (not started)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "press-serve"

        def do_HEAD(self) -> None:  # noqa: N802
            self.do_GET(body=False)

        def do_GET(self, body: bool = True) -> None:  # noqa: N802
            path = unquote(urlsplit(self.path).path)
            if path == EVENTS:
                return self.events()
            file = _file_of(preview.site, path)
            if file is None:
                return self.send_text(404, "Not found in the preview: " + path.replace("\0", ""))
            if file.is_dir():  # a page's folder named without its '/': where its links lead from
                if path.endswith("/") or not (file / "index.html").is_file():
                    return self.send_text(404, "Not found in the preview: " + path.replace("\0", ""))
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return None
            data = file.read_bytes()
            kind = _content_type(file.name)
            if kind.startswith("text/html"):
                data = _with_notice(data, preview.problems)
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                self.wfile.write(data)
            return None

        def events(self) -> None:
            """Server-Sent Events: 'reload' after each build, a comment now and then to notice a closed page."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = preview.builds
            try:
                while True:
                    now = preview.wait_for_build(seen, timeout=10)
                    self.wfile.write(b"data: reload\n\n" if now > seen else b": still here\n\n")
                    self.wfile.flush()
                    seen = now
            except (BrokenPipeError, ConnectionResetError):
                return

        def send_text(self, status: int, text: str) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass  # the terminal is for the build's problems

    httpd = http.server.ThreadingHTTPServer((host, port), Handler)
    httpd.daemon_threads = True  # an open page's event stream does not hold Ctrl-C up
    return httpd


def _file_of(site: Path, path: str) -> Path | None:
    """The file of the preview a request path names, or None; nothing outside the preview is ever served."""
    clean = posixpath.normpath("/" + path).lstrip("/")
    root = site.resolve()
    target = (root / clean) if clean not in ("", ".") else root
    if target.is_dir() and (target / "index.html").is_file() and path.endswith("/"):
        target = target / "index.html"
    try:
        target.resolve().relative_to(root)
    except ValueError:
        return None
    return target if target.exists() else None


def _content_type(name: str) -> str:
    for ending, kind in SPECIAL_TYPES.items():
        if name.endswith(ending):
            return kind
    return CONTENT_TYPES.get(os.path.splitext(name)[1].lower()) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _with_notice(page: bytes, problems: list[str]) -> bytes:
    """The page with the last build's problems above it and the reload script: what only the preview adds."""
    notice = ""
    if problems:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in problems[:50])
        notice = ('<div role="alert" style="margin:0;padding:1rem;background:#fff0f0;color:#1a1a1a;'
                  f'border-bottom:3px solid #b00020"><p><strong>press serve:</strong> the last build said</p><ul>{items}</ul></div>')
    text = page.decode("utf-8", "replace")
    text = text.replace("<body>", "<body>" + notice, 1) if notice else text
    return text.replace("</body>", RELOAD + "</body>", 1).encode("utf-8")
