"""The export: decides the order of the stages and what is published; output.py does the writing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from pipeline.artifact import Artifact
from pipeline.document import Document, convert
from pipeline.feeds import feed_items, render_feeds
from pipeline.listings import listings, render_listing
from pipeline.load import load_release, load_site
from pipeline.model import Release, Site
from pipeline.output import read_manifest, remove_stale, write, write_manifest
from pipeline.pages import PdfInfo, make_environment, render_release_page
from pipeline.paths import pdf_name, public_url, site_file_path, text_path
from pipeline.problems import ContentError, Problem
from pipeline.theme import Theme, find_theme
from pipeline.newsml import render_newsml
from pipeline.ninjs import render_ninjs
from pipeline.wiretext import text_of


class Reporter(Protocol):
    def problem(self, problem: Problem) -> None: ...
    def release(self, status: str, path: Path, detail: str = "") -> None: ...


@dataclass
class Summary:
    published: int = 0
    skipped: int = 0
    failed: int = 0
    errors: int = 0
    warnings: int = 0
    embargoed: int = 0  # press copies written for agencies
    removed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.failed == 0


class _Run:
    """One export's bookkeeping: counts problems and outcomes as they are reported."""

    def __init__(self, reporter: Reporter):
        self.reporter = reporter
        self.summary = Summary()
        self.failed_sources: set[str] = set()

    def problems(self, problems: list[Problem]) -> None:
        for p in problems:
            self.summary.errors += p.severity == "error"
            self.summary.warnings += p.severity == "warning"
            self.reporter.problem(p)

    def failed(self, path: Path, source: str) -> None:
        self.failed_sources.add(source)
        self.summary.failed += 1
        self.reporter.release("failed", path)

    def skipped(self, path: Path, why: str) -> None:
        self.summary.skipped += 1
        self.reporter.release("skipped", path, why)


def export(
    sources: Path, dist: Path, now: datetime, reporter: Reporter, debug: bool = False, embargoed: Path | None = None
) -> Summary:
    """Build every public release of `sources` into `dist`; a broken site.yaml writes nothing at all.

    With `embargoed`, releases still under embargo get their wire text, NewsML-G2
    and ninjs, marked with the embargo, in that folder: a press copy for agencies.
    """
    run = _Run(reporter)
    site, site_problems = load_site(sources / "site.yaml")
    theme = find_theme(sources, site.theme) if site else None
    if site and theme is None:
        site_problems.error(
            _line_of(site.path, "theme:"),
            f"theme '{site.theme}' was not found; create themes/{site.theme}/ beside the sources folder or use 'theme: default'",
        )
    run.problems(site_problems.items)
    if site is None or theme is None:
        run.summary.failed += 1
        return run.summary
    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo(site.timezone))

    env = make_environment(theme.environment())
    entries: list[dict] = []
    published: list[Document] = []
    for release in sorted(_load_releases(sources, site, run), key=lambda r: (r.date, r.id), reverse=True):
        if release.draft:
            run.skipped(release.path, "draft")
            continue
        try:
            doc = convert(release, site)  # embargoed releases are checked too, so problems show before the day
            run.problems(list(doc.warnings))
            if not release.is_public(now):
                run.skipped(release.path, f"embargo until {release.public_time.isoformat()}")
                if embargoed is not None and release.embargo and release.embargo > now:
                    for artifact in wire_artifacts(doc, now):
                        write(embargoed, artifact)
                    run.summary.embargoed += 1
                continue
            artifacts, pdf_pages = render_release(doc, env, theme, now)
        except ContentError as exc:
            run.problems(exc.problems)
            run.failed(release.path, release.source)
            continue
        except Exception as exc:  # a bug: say so, keep the other releases going
            if debug:
                raise
            run.problems([Problem(release.path, 1, "error", f"internal error while building this release ({type(exc).__name__}: {exc}); rerun with --debug for the traceback and report it")])
            run.failed(release.path, release.source)
            continue
        entries.append(_entry(release, site, {a.path: write(dist, a) for a in artifacts}, artifacts, pdf_pages))
        published.append(doc)
        run.summary.published += 1
        reporter.release("published", release.path)

    # A release that fails now keeps what it published before: a typo never unpublishes it.
    previous = read_manifest(dist)
    previous_by_source = {e.get("source"): e for e in previous.get("releases", [])}
    kept = [previous_by_source[s] for s in sorted(run.failed_sources) if s in previous_by_source]
    entries = sorted(entries + kept, key=lambda e: (datetime.fromisoformat(e["date"]), e["id"]), reverse=True)

    items = feed_items(published, entries)
    every_listing = listings(entries, site)
    pages: list[Artifact] = []
    feeds: list[dict] = []
    for listing in every_listing:
        pages += render_listing(listing, every_listing, site, env)
        for feed in render_feeds(listing.entries, items, site, listing.folder, listing.title):
            feeds.append({
                "path": feed.path, "format": feed.kind, "scope": listing.scope, "key": listing.key,
                "entries": min(len(listing.entries), site.feed_size), "sha256": write(dist, feed),
            })
    assets = site_artifacts(site, theme)
    manifest = {
        "releases": entries,
        "feeds": feeds,
        "pages": [{"path": a.path, "sha256": write(dist, a)} for a in pages],
        "assets": [{"path": a.path, "sha256": write(dist, a)} for a in assets],
    }
    write_manifest(dist, manifest)
    run.summary.removed = remove_stale(dist, previous, manifest)
    return run.summary


def _load_releases(sources: Path, site: Site, run: _Run) -> list[Release]:
    """Every release that loads without errors and has an id and address of its own."""
    releases = []
    for path in release_files(sources):
        release, problems = load_release(path, site)
        run.problems(problems.items)
        if release is None:
            run.failed(path, _source_of(path, sources))
        else:
            releases.append(release)
    releases, clashes = _unique(releases)
    for release, problem in clashes:
        run.problems([problem])
        run.failed(release.path, release.source)
    return releases


def release_files(sources: Path) -> list[Path]:
    """Every Markdown file under sources/, in a stable order; hidden folders are left out."""
    return sorted(
        p for p in sources.rglob("*.md")
        if not any(part.startswith(".") for part in p.relative_to(sources).parts)
    )


def render_release(doc: Document, env, theme: Theme, now: datetime) -> tuple[list[Artifact], int]:
    """Everything one release publishes, made in memory first (a failure writes nothing), and its PDF's page count."""
    # WeasyPrint and pikepdf cost a second to import: only when a PDF is due.
    from pipeline.pdf import render_pdf
    from pipeline.pdf_archive import embedded_for

    r, site = doc.release, doc.site
    base = public_url(site, r)
    files = {site.url + "theme/" + name: path for name, path in theme.static.items()}
    if site.logo:
        files[site.url + site_file_path(site, site.logo.src)] = site.logo.src
    files |= {base + name: path for name, path in doc.files.items()}
    # The PDF is made from the page without its own download link; the page then names its pages and size.
    printable = render_release_page(doc, env).data.decode("utf-8")
    pdf, page_count = render_pdf(printable, base, files, f"{r.folder}/{pdf_name(r)}", r.path, embedded_for(r))
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


def site_artifacts(site: Site, theme: Theme) -> list[Artifact]:
    """The theme's static files and the press room's logo."""
    out = [Artifact("theme/" + name, path.read_bytes()) for name, path in theme.static.items()]
    if site.logo:
        out.append(Artifact(site_file_path(site, site.logo.src), site.logo.src.read_bytes()))
    return out


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


def _unique(releases: list[Release]) -> tuple[list[Release], list[tuple[Release, Problem]]]:
    """Two releases may not share an id or an output folder; both are refused, since either could be the mistake."""
    clashes = []
    by_id: dict[str, list[Release]] = {}
    by_folder: dict[str, list[Release]] = {}
    for r in releases:
        by_id.setdefault(r.id, []).append(r)
        by_folder.setdefault(r.folder, []).append(r)
    bad: set[int] = set()
    for groups, what, fix in (
        (by_id, "id", "give each release its own 'id'"),
        (by_folder, "address", "rename one of the files"),
    ):
        for key, group in groups.items():
            if len(group) < 2:
                continue
            for r in group:
                others = ", ".join(o.source for o in group if o is not r)
                line = _line_of(r.path, "id:") if what == "id" else 1
                clashes.append((r, Problem(r.path, line, "error", f"{what} '{key}' is also used by {others}; {fix}")))
                bad.add(id(r))
    return [r for r in releases if id(r) not in bad], clashes


def _line_of(path: Path, prefix: str) -> int:
    try:
        for i, line in enumerate(path.read_text("utf-8").split("\n"), 1):
            if line.startswith(prefix):
                return i
    except (OSError, UnicodeDecodeError):
        pass
    return 1


def _source_of(path: Path, sources: Path) -> str:
    return (Path(sources.name) / path.relative_to(sources)).as_posix()

