"""The export: decides the order of the stages and what is published; output.py does the writing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from pipeline.artifact import Artifact
from pipeline.document import Document, convert
from pipeline.feeds import render_feeds
from pipeline.load import load_release, load_site
from pipeline.model import Release, Site
from pipeline.output import read_manifest, remove_stale, write, write_manifest
from pipeline.pages import (
    make_environment,
    public_url,
    render_index,
    render_release_page,
    site_file_path,
)
from pipeline.problems import ContentError, Problem
from pipeline.theme import Theme, find_theme
from pipeline.wiretext import render_text


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
    removed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.failed == 0


def export(sources: Path, dist: Path, now: datetime, reporter: Reporter, debug: bool = False) -> Summary:
    summary = Summary()

    def report(problems: list[Problem]) -> None:
        for p in problems:
            summary.errors += p.severity == "error"
            summary.warnings += p.severity == "warning"
            reporter.problem(p)

    site, site_problems = load_site(sources / "site.yaml")
    theme = find_theme(sources, site.theme) if site else None
    if site and theme is None:
        site_problems.error(_line_of(site.path, "theme:"), f"theme '{site.theme}' was not found; create themes/{site.theme}/ beside the sources folder or use 'theme: default'")
    report(site_problems.items)
    if site is None or theme is None:
        summary.failed += 1
        return summary

    releases: list[Release] = []
    failed_sources: set[str] = set()
    for path in release_files(sources):
        release, problems = load_release(path, site)
        if release is None:
            failed_sources.add(_source_of(path, sources))
            report(problems.items)
            summary.failed += 1
            reporter.release("failed", path)
            continue
        report(problems.items)
        releases.append(release)
    releases, clashes = _unique(releases)
    for release, problem in clashes:
        report([problem])
        failed_sources.add(release.source)
        summary.failed += 1
        reporter.release("failed", release.path)

    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo(site.timezone))
    env = make_environment(theme.environment())
    previous = read_manifest(dist)
    previous_by_source = {e.get("source"): e for e in previous.get("releases", [])}
    entries: list[dict] = []
    published: list[Document] = []
    for release in sorted(releases, key=lambda r: (r.date, r.id), reverse=True):
        if release.draft:
            summary.skipped += 1
            reporter.release("skipped", release.path, "draft")
            continue
        try:
            doc = convert(release, site)
            report(list(doc.warnings))
            if not release.is_public(now):
                summary.skipped += 1
                reporter.release("skipped", release.path, f"embargo until {release.public_time.isoformat()}")
                continue
            artifacts = render_release(doc, env, theme, now)
        except ContentError as exc:
            report(exc.problems)
            failed_sources.add(release.source)
            summary.failed += 1
            reporter.release("failed", release.path)
            continue
        except Exception as exc:  # a bug: say so, keep the other releases going
            if debug:
                raise
            summary.errors += 1
            summary.failed += 1
            failed_sources.add(release.source)
            reporter.problem(Problem(release.path, 1, "error", f"internal error while building this release ({type(exc).__name__}: {exc}); rerun with --debug for the traceback and report it"))
            continue
        entries.append(_entry(release, site, {a.path: write(dist, a) for a in artifacts}, artifacts))
        published.append(doc)
        summary.published += 1
        reporter.release("published", release.path)

    # A release that fails now keeps what it published before: a typo never unpublishes it.
    kept = [previous_by_source[s] for s in sorted(failed_sources) if s in previous_by_source]
    entries = sorted(entries + kept, key=lambda e: (e["date"], e["id"]), reverse=True)

    collection = site_artifacts(site, theme) + [render_index(entries, site, env)] + render_feeds(published, kept, site)
    digests = {a.path: write(dist, a) for a in collection}
    manifest = {
        "releases": entries,
        "feeds": [
            {"path": a.path, "format": a.kind, "scope": "site", "key": None, "entries": len(entries), "sha256": digests[a.path]}
            for a in collection if a.kind in ("atom", "rss")
        ],
        "pages": [{"path": a.path, "sha256": digests[a.path]} for a in collection if a.kind == "html"],
        "assets": [{"path": a.path, "sha256": digests[a.path]} for a in collection if a.kind is None],
    }
    write_manifest(dist, manifest)
    summary.removed = remove_stale(dist, previous, manifest)
    return summary


def release_files(sources: Path) -> list[Path]:
    """Every Markdown file under sources/, in a stable order; hidden folders are left out."""
    return sorted(
        p for p in sources.rglob("*.md")
        if not any(part.startswith(".") for part in p.relative_to(sources).parts)
    )


def render_release(doc: Document, env, theme: Theme, now: datetime) -> list[Artifact]:
    """Everything one release publishes, made in memory first: a failure writes nothing."""
    from pipeline.pdf import (
        render_pdf,  # WeasyPrint costs a second to import: only when a PDF is due
    )

    r, site = doc.release, doc.site
    page = render_release_page(doc, env)
    base = public_url(site, r)
    files = {site.url + "theme/" + name: path for name, path in theme.static.items()}
    if site.logo:
        files[site.url + site_file_path(site, site.logo.src)] = site.logo.src
    files |= {base + name: path for name, path in doc.files.items()}
    pdf = render_pdf(page.data.decode("utf-8"), base, files, f"{r.folder}/{r.slug}.pdf", r.path)
    media = [Artifact(f"{r.folder}/{name}", path.read_bytes()) for name, path in sorted(doc.files.items())]
    return [page, pdf, render_text(doc, now)] + media


def site_artifacts(site: Site, theme: Theme) -> list[Artifact]:
    """The theme's static files and the press room's logo."""
    out = [Artifact("theme/" + name, path.read_bytes()) for name, path in theme.static.items()]
    if site.logo:
        out.append(Artifact(site_file_path(site, site.logo.src), site.logo.src.read_bytes()))
    return out


def _entry(release: Release, site: Site, digests: dict[str, str], artifacts: list[Artifact]) -> dict:
    return {
        "id": release.id,
        "title": release.title,
        "lang": release.lang,
        "date": release.date.isoformat(),
        "updated": release.updated.isoformat() if release.updated else None,
        "url": public_url(site, release),
        "source": release.source,
        "type": release.type,
        "lead": release.lead,
        "outputs": {a.kind: {"path": a.path, "sha256": digests[a.path]} for a in artifacts if a.kind},
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

