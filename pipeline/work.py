"""The work on releases that changed: convert, render and write; run in worker processes.

Everything here takes and returns plain data, so it can run in a process pool;
what a release produced comes back as an Outcome, which is also what the build
cache keeps for next time.
"""

from __future__ import annotations

import hashlib
import traceback
from datetime import datetime

from pipeline.artifact import Artifact
from pipeline.document import Document, convert_all
from pipeline.feeds import feed_item
from pipeline.model import Release, Site
from pipeline.newsml import render_newsml
from pipeline.outcome import Settings, problem_data, release_data
from pipeline.ninjs import render_ninjs
from pipeline.output import write
from pipeline.pages import PdfInfo, make_environment, render_release_page
from pipeline.paths import pdf_name, public_url, site_file_path, text_path
from pipeline.problems import ContentError
from pipeline.theme import Theme
from pipeline.wiretext import text_of

def stamp(path) -> list[int]:
    """Size and modification time: enough to see that nobody touched an output since it was written."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


PRINT_STYLESHEETS = ("css/fonts-print.css", "css/site.css", "css/custom.css")  # in this order, as base.html links them

_ENVIRONMENTS: dict[Theme, object] = {}


def _environment(theme: Theme):
    """The theme's template environment, made once per process."""
    if theme not in _ENVIRONMENTS:
        _ENVIRONMENTS[theme] = make_environment(theme.environment())
    return _ENVIRONMENTS[theme]


def build_chunk(releases: list[Release], settings: Settings) -> list[dict]:
    """Convert a batch of releases (two pandoc starts) and render each; one Outcome per release."""
    site, theme, env = settings.site, settings.theme, _environment(settings.theme)
    outcomes = []
    for release, doc in zip(releases, convert_all(releases, site), strict=True):
        outcome = {"source": release.source, "path": str(release.path), "release": release_data(release),
                   "media": {}, "entry": None, "item": None}
        try:
            if isinstance(doc, ContentError):
                raise doc
            outcome["media"] = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(doc.files.values())}
            outcome["problems"] = problem_data(list(doc.warnings))
            if not release.is_public(settings.now):
                outcome["status"] = "embargo"
                if settings.embargoed is not None and release.embargo and release.embargo > settings.now:
                    for artifact in wire_artifacts(doc, settings.now):
                        write(settings.embargoed, artifact)
                    outcome["embargoed_copy"] = True
            else:
                artifacts, pages = render_release(doc, env, theme, settings.now)
                digests = {a.path: write(settings.dist, a) for a in artifacts}
                outcome["stamps"] = {path: stamp(settings.dist / path) for path in digests}
                outcome["entry"] = _entry(release, site, digests, artifacts, pages)
                outcome["item"] = feed_item(outcome["entry"], doc)
                outcome["status"] = "published"
        except ContentError as exc:
            outcome.update(status="failed", problems=problem_data(exc.problems))
        except Exception as exc:  # a bug: say so, keep the other releases going
            if settings.debug:
                raise
            message = (f"internal error while building this release ({type(exc).__name__}: {exc}); "
                       "rerun with --debug for the traceback and report it")
            outcome.update(status="failed", internal=True, problems=[[1, "error", message]],
                           traceback=traceback.format_exc())
        outcomes.append(outcome)
    return outcomes


def render_release(doc: Document, env, theme: Theme, now: datetime) -> tuple[list[Artifact], int]:
    """Everything one release publishes, made in memory first (a failure writes nothing), and its PDF's page count."""
    # WeasyPrint and pikepdf cost a second to import: only when a PDF is due.
    from pipeline.pdf import render_pdf
    from pipeline.pdf_archive import embedded_for

    r, site = doc.release, doc.site
    base = public_url(site, r)
    theme_files = {site.url + "theme/" + name: path for name, path in theme.static.items()}
    files = dict(theme_files)
    if site.logo:
        files[site.url + site_file_path(site, site.logo.src)] = site.logo.src
    files |= {base + name: path for name, path in doc.files.items()}
    # The PDF is made from the page without its own download link; the page then names its pages and size.
    printable = render_release_page(doc, env).data.decode("utf-8")
    stylesheets = tuple(site.url + "theme/" + name for name in PRINT_STYLESHEETS if site.url + "theme/" + name in theme_files)
    pdf, page_count = render_pdf(
        printable, base, files, f"{r.folder}/{pdf_name(r)}", r.path, embedded_for(r), stylesheets, theme_files
    )
    page = render_release_page(doc, env, PdfInfo(pages=page_count, size=len(pdf.data)))
    media = [Artifact(f"{r.folder}/{name}", path.read_bytes()) for name, path in sorted(doc.files.items())]
    return [page, pdf] + wire_artifacts(doc, now) + media, page_count


def wire_artifacts(doc: Document, now: datetime) -> list[Artifact]:
    """What news agencies take: the wire text, and NewsML-G2 and ninjs carrying it."""
    text = text_of(doc, now)
    return [
        Artifact(text_path(doc.release), text.encode("utf-8"), "txt"),
        render_newsml(doc, text, now),
        render_ninjs(doc, text, now),
    ]


def _output(artifact: Artifact, digests: dict[str, str], pdf_pages: int) -> dict:
    out = {"path": artifact.path, "sha256": digests[artifact.path], "bytes": len(artifact.data)}
    if artifact.kind == "pdf":
        out["pages"] = pdf_pages
    return out


def _entry(release: Release, site: Site, digests: dict[str, str], artifacts: list[Artifact], pdf_pages: int) -> dict:
    return {
        "id": release.id,
        "title": release.title,
        "lang": release.lang,
        "date": release.date.isoformat(),
        "public": release.public_time.isoformat(),
        "updated": release.updated.isoformat() if release.updated else None,
        "url": public_url(site, release),
        "source": release.source,
        "type": release.type,
        "lead": release.lead,
        "topics": list(release.topics),
        "regions": list(release.regions),
        "outputs": {a.kind: _output(a, digests, pdf_pages) for a in artifacts if a.kind},
        "files": [{"path": a.path, "sha256": digests[a.path]} for a in artifacts if not a.kind],
    }
