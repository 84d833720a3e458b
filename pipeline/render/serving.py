"""Settings files that common web servers read from dist/ itself, so the press room is served right.

Every output is UTF-8, but a server that sends `text/plain` without a charset
makes a browser show the wire text as 'PÃ¥'. Apache reads `.htaccess` and IIS
`web.config` from the folder they serve; nginx and other servers are set up
once by the operator (README, "Serving dist/").
"""

from __future__ import annotations

from pathlib import Path

from pipeline.render.artifact import Artifact

MARK = "Written by press export"  # in the first line of every file here: an operator's own file lacks it

# (extension, media type) of what the export writes beyond what servers know by default.
TYPES = (
    ("txt", "text/plain"),
    ("html", "text/html"),
    ("css", "text/css"),
    ("atom", "application/atom+xml"),
    ("rss", "application/rss+xml"),
    ("json", "application/json"),
    ("xml", "application/xml"),
    ("md", "text/markdown"),  # the font licence notes under theme/
)

# AddType and AddCharset need the folder's `AllowOverride FileInfo` (without it, Apache answers 500);
# IfModule keeps a server without mod_mime answering.
HTACCESS = (
    f"# {MARK}: Apache sends every text of the press room as UTF-8.\n"
    "AddDefaultCharset utf-8\n<IfModule mod_mime.c>\n"
    + "".join(f"  AddType {media_type} .{ext}\n" for ext, media_type in TYPES if ext in ("atom", "rss", "md"))
    + "  AddCharset utf-8 " + " ".join(f".{ext}" for ext, _ in TYPES) + "\n</IfModule>\n"
)

WEB_CONFIG = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    f"<!-- {MARK}: IIS sends every text of the press room as UTF-8. -->\n"
    "<configuration>\n  <system.webServer>\n    <staticContent>\n"
    + "".join(
        f'      <remove fileExtension=".{ext}" />\n'
        f'      <mimeMap fileExtension=".{ext}" mimeType="{media_type}; charset=utf-8" />\n'
        for ext, media_type in TYPES
    )
    + '      <remove fileExtension=".woff2" />\n      <mimeMap fileExtension=".woff2" mimeType="font/woff2" />\n'
    "    </staticContent>\n  </system.webServer>\n</configuration>\n"
)


def server_files(dist: Path) -> list[Artifact]:
    """The files to write: an operator's own .htaccess or web.config in dist/ is left as it is."""
    out = []
    for name, text in ((".htaccess", HTACCESS), ("web.config", WEB_CONFIG)):
        try:
            head = (dist / name).read_bytes()[:200]
        except OSError:
            head = MARK.encode()  # not there yet
        if MARK.encode() in head:
            out.append(Artifact(name, text.encode("utf-8")))
    return out
