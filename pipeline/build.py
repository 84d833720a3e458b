"""The export: decides the order of the stages and what is published; output.py does the writing."""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from pipeline.artifact import Artifact
from pipeline.cache import Cache, digest, file_digest
from pipeline.load import load_release, load_site
from pipeline.model import Release, Site
from pipeline.output import read_manifest, remove_stale, write, write_manifest
from pipeline.paths import site_file_path
from pipeline.problems import Problem
from pipeline.theme import Theme, find_theme
from pipeline.outcome import CHUNK, Settings, problem_data, release_data


class Reporter(Protocol):
    def problem(self, problem: Problem) -> None: ...
    def begin(self, total: int) -> None: ...  # that many releases are about to be rendered
    def release(self, status: str, path: Path, detail: str = "") -> None: ...
    def end(self) -> None: ...


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


def export(
    sources: Path, dist: Path, now: datetime, reporter: Reporter, debug: bool = False,
    embargoed: Path | None = None, jobs: int = 1, force: bool = False, cache_dir: Path | None = None,
) -> Summary:
    """Build every public release of `sources` into `dist`; a broken site.yaml writes nothing at all.

    Releases whose inputs did not change since the last export are taken from the
    cache in `cache_dir` (default: `.cache/` beside the sources folder) without
    being rendered again; the others are rendered by `jobs` processes. With
    `embargoed`, releases still under embargo get their wire text, NewsML-G2 and
    ninjs, marked with the embargo, in that folder: a press copy for agencies.
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
    settings = Settings(site=site, theme=theme, dist=dist, now=now, embargoed=embargoed, debug=debug)
    salt = _salt(site, theme)
    cache = Cache(cache_dir or sources.resolve().parent / ".cache", salt)

    outcomes: dict[str, dict] = {}  # by source, in source order
    todo: list[tuple[Path, str, str]] = []  # (path, source, cache key) to load and render
    for path in release_files(sources):
        source = _source_of(path, sources)
        key = cache.key(source, path.read_bytes())
        cached = None if force else cache.get(key)
        if cached and _still_good(cached, dist, now, embargoed):
            outcomes[source] = {**cached, "path": str(path), "cached": True}
        else:
            todo.append((path, source, key))

    releases = []
    keys = {}
    for path, source, key in todo:
        release, problems = load_release(path, site)
        if release is None:
            outcomes[source] = {"source": source, "path": str(path), "status": "failed",
                                "problems": problem_data(problems.items), "release": None}
        elif release.draft:
            outcomes[source] = {"source": source, "path": str(path), "status": "draft", "release": release_data(release),
                                "problems": problem_data(problems.items), "media": {}}
            cache.put(key, outcomes[source])
        else:
            outcomes[source] = {"source": source, "path": str(path), "status": "todo", "release": release_data(release),
                                "problems": problem_data(problems.items)}
            releases.append(release)
            keys[source] = key
    clashes = _clashes(outcomes)
    for source, problem in clashes:
        outcomes[source].update(status="failed", problems=outcomes[source]["problems"] + [problem])
    releases = [r for r in releases if r.source not in dict(clashes)]

    reporter.begin(len(releases))
    for done in _run_chunks(releases, settings, jobs):
        for outcome in done:
            outcome["problems"] = outcomes[outcome["source"]]["problems"] + outcome["problems"]
            outcomes[outcome["source"]] = outcome
            if outcome["status"] in ("published", "embargo"):
                cache.put(keys[outcome["source"]], outcome)
            reporter.release(outcome["status"], Path(outcome["path"]))
    reporter.end()

    entries, items = [], {}
    for source, outcome in outcomes.items():
        path = Path(outcome["path"])
        run.problems([Problem(path, line, severity, message) for line, severity, message in outcome["problems"]])
        status = outcome["status"]
        if status == "published":
            entries.append(outcome["entry"])
            items[outcome["entry"]["id"]] = outcome["item"]
            run.summary.published += 1
        elif status == "failed":
            run.failed_sources.add(source)
            run.summary.failed += 1
        else:
            run.summary.skipped += 1
            run.summary.embargoed += bool(outcome.get("embargoed_copy"))
        if outcome.get("cached"):
            reporter.release("unchanged" if status == "published" else status, path)

    # A release that fails now keeps what it published before: a typo never unpublishes it.
    previous = read_manifest(dist)
    previous_by_source = {e.get("source"): e for e in previous.get("releases", [])}
    kept = [previous_by_source[s] for s in sorted(run.failed_sources) if s in previous_by_source]
    if kept:
        from pipeline.feeds import feed_item

        items |= {e["id"]: feed_item(e, None) for e in kept}
    entries = sorted(entries + kept, key=lambda e: (datetime.fromisoformat(e["date"]), e["id"]), reverse=True)
    manifest = _collection(entries, items, site, theme, dist, previous, salt)
    if manifest != previous or not (dist / "manifest.json").is_file():
        write_manifest(dist, manifest)  # pretty JSON of every output is slow to make: only when it changed
    run.summary.removed = remove_stale(dist, previous, manifest)
    return run.summary


def _collection(entries: list[dict], items: dict, site: Site, theme: Theme, dist: Path, previous: dict, salt: str) -> dict:
    """Listing pages, feeds and theme files, made from the entries alone; skipped when nothing they show changed."""
    # Entries carry the sha256 of every output of every release, so they change whenever anything shown does.
    fingerprint = digest(json.dumps(entries, sort_keys=True), salt)
    if previous.get("collection") == fingerprint and _files_intact(
        dist, previous.get("pages", []) + previous.get("feeds", []) + previous.get("assets", [])
    ):
        return {**previous, "releases": entries}
    # Templates and feeds are imported here: a no-op export never needs them.
    from pipeline.feeds import render_feeds
    from pipeline.listings import listings, render_listing
    from pipeline.pages import make_environment

    env = make_environment(theme.environment())
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
    return {
        "releases": entries,
        "feeds": feeds,
        "pages": [{"path": a.path, "sha256": write(dist, a)} for a in pages],
        "assets": [{"path": a.path, "sha256": write(dist, a)} for a in site_artifacts(site, theme)],
        "collection": fingerprint,
    }


def _run_chunks(releases: list[Release], settings: Settings, jobs: int):
    """Chunks of releases, rendered in this process (-j 1) or in a pool; yields outcomes as chunks finish."""
    chunks = [releases[i : i + CHUNK] for i in range(0, len(releases), CHUNK)]
    if not chunks:
        return
    from pipeline.work import build_chunk  # pandoc, templates and renderers: only when something is to be built

    if jobs <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield build_chunk(chunk, settings)
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=context) as pool:
        futures = [pool.submit(build_chunk, chunk, settings) for chunk in chunks]
        for future in as_completed(futures):
            yield future.result()


def _still_good(cached: dict, dist: Path, now: datetime, embargoed: Path | None) -> bool:
    """A cached outcome stands if its media and its outputs in dist/ are as it recorded them."""
    if any(file_digest(Path(p)) != sha for p, sha in cached.get("media", {}).items()):
        return False
    status = cached.get("status")
    if status == "draft":
        return True
    if status == "embargo":
        public = datetime.fromisoformat(cached["release"]["public"])
        return public > now and embargoed is None  # once public, or for a press copy, it is rendered
    if status != "published":
        return False
    entry = cached["entry"]
    stamps = cached.get("stamps", {})
    for output in list(entry["outputs"].values()) + entry["files"]:
        path = dist / output["path"]
        try:
            info = path.stat()
        except OSError:
            return False
        if stamps.get(output["path"]) != [info.st_size, info.st_mtime_ns] and file_digest(path) != output["sha256"]:
            return False  # the stamp moved and so did the content
    return True


def _files_intact(dist: Path, files: list[dict]) -> bool:
    return all(file_digest(dist / f["path"]) == f["sha256"] for f in files)


def _salt(site: Site, theme: Theme) -> str:
    """Everything besides a release itself that its outputs depend on: site.yaml and the theme's files."""
    parts = [site.path.read_bytes()]
    for layer in theme.layers:
        for path in sorted(p for p in layer.rglob("*") if p.is_file()):
            parts += [path.relative_to(layer).as_posix(), path.read_bytes()]
    return digest(*parts)


def _clashes(outcomes: dict[str, dict]) -> list[tuple[str, list]]:
    """Two releases may not share an id or an output folder; both are refused, since either could be the mistake."""
    clashes = []
    for name, what, fix in (("id", "id", "give each release its own 'id'"), ("folder", "address", "rename one of the files")):
        groups: dict[str, list[str]] = {}
        for source, outcome in outcomes.items():
            if outcome.get("release"):
                groups.setdefault(outcome["release"][name], []).append(source)
        for key, sources in groups.items():
            if len(sources) < 2:
                continue
            for source in sources:
                others = ", ".join(o for o in sources if o != source)
                path = Path(outcomes[source]["path"])
                line = _line_of(path, "id:") if name == "id" else 1
                clashes.append((source, [line, "error", f"{what} '{key}' is also used by {others}; {fix}"]))
    return clashes


def release_files(sources: Path) -> list[Path]:
    """Every Markdown file under sources/, in a stable order; hidden folders are left out."""
    return sorted(
        p for p in sources.rglob("*.md")
        if not any(part.startswith(".") for part in p.relative_to(sources).parts)
    )


def site_artifacts(site: Site, theme: Theme) -> list[Artifact]:
    """The theme's static files and the press room's logo."""
    out = [Artifact("theme/" + name, path.read_bytes()) for name, path in theme.static.items()]
    if site.logo:
        out.append(Artifact(site_file_path(site, site.logo.src), site.logo.src.read_bytes()))
    return out


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

