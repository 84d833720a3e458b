"""Settings files that web servers and crawlers read from dist/ itself, so the press room is served right.

Every output is UTF-8, but a server that sends `text/plain` without a charset
makes a browser show the wire text as 'PÃ¥'. Apache reads `.htaccess` and IIS
`web.config` from the folder they serve; nginx and other servers are set up
once by the operator (README, "Serving dist/"). Crawlers read `robots.txt`,
which names the sitemaps. An operator's own file of one of these names is left
as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.render.artifact import Artifact

if TYPE_CHECKING:
    from pipeline.source.model import Site

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
    + "  AddType image/webp .webp\n"  # the photos' web sizes: an older Apache sends them untyped
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
    # IIS before Windows Server 2019 answers 404.3 for a type it does not know, and <picture> then shows nothing
    + '      <remove fileExtension=".webp" />\n      <mimeMap fileExtension=".webp" mimeType="image/webp" />\n'
    "    </staticContent>\n  </system.webServer>\n</configuration>\n"
)


OPERATORS_CHOICE = (".htaccess", "web.config", "robots.txt")  # an operator may put their own in dist/ instead


def server_files(dist: Path, site: Site) -> list[Artifact]:
    """The files to write: an operator's own .htaccess, web.config or robots.txt in dist/ is left as it is."""
    from pipeline.render.sitemaps import robots_txt  # here: build.output imports this module, and must stay light

    made = [Artifact(".htaccess", HTACCESS.encode("utf-8")), Artifact("web.config", WEB_CONFIG.encode("utf-8")),
            Artifact("robots.txt", robots_txt(site, MARK).encode("utf-8"))]
    return [artifact for artifact in made if not operators_own(dist, artifact.path)]


def operators_own(dist: Path, name: str) -> bool:
    """Whether dist/`name` is one of the files above that no export wrote: one without the mark."""
    if name not in OPERATORS_CHOICE:
        return False
    try:
        head = (dist / name).read_bytes()[:200]
    except OSError:
        return False  # not there (yet)
    return MARK.encode() not in head
