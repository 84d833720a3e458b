"""The export: decides the order of the stages and what is published; output.py does the writing."""

from __future__ import annotations

import errno
import functools
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

import orjson

from pipeline.build.cache import STAMP, Cache, FileDigests, Remembered, digest, file_digest, stamp, touched_since, unchanged
from pipeline.build.output import (MACHINE_FAULTS, MANIFEST, PRESS_COPIES, PRESS_COPIES_INDEX, InPlace, OutputRefused, Snapshot,
                                   read_manifest, remove_stale, sha256, write_bytes, write_manifest)
from pipeline.build.printer import Printer, PrinterFault, PrintsPDFs
from pipeline.problems import Problem, Problems, file_lines, line_starting
from pipeline.render.theme import Theme, find_theme
from pipeline.build.record import CHUNK, Outcome, ProblemLine, ReleaseFacts, Settings, Status, problem_lines

if TYPE_CHECKING:
    from pipeline.source.model import Release, Site


class Reporter(Protocol):
    def problem(self, problem: Problem) -> None: ...
    def begin(self, total: int) -> None: ...  # that many releases are about to be rendered
    def advance(self) -> None: ...  # one of them is done
    def end(self) -> None: ...  # rendering is over; the releases' lines follow
    def release(self, status: str, path: Path, detail: str = "") -> None: ...  # status: one of STATUSES


@dataclass
class Summary:
    """What one export did: releases by what happened to them, and the problems reported."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0  # a deleted or drafted source took its page down
    embargo: int = 0
    draft: int = 0
    failed: int = 0
    errors: int = 0
    warnings: int = 0
    press_copies: int = 0  # written for agencies, of releases under embargo
    upcoming: list[tuple[datetime, str]] = field(default_factory=list)  # (public time, address) of those not public yet
    next_publication: str | None = None  # 'tisdag 1 december 2026 kl. 10.00 (budget-2027)': when the next goes out

    published_nothing: bool = False  # the press room's settings could not be read

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.failed == 0


STATUSES = ("new", "updated", "unchanged", "removed", "embargo", "draft", "failed")


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

    def said(self, status: str, path: Path, detail: str = "") -> None:
        """A release's line: one of STATUSES, with what a reader needs to know beside it."""
        assert status in STATUSES, status
        setattr(self.summary, status, getattr(self.summary, status) + 1)
        self.reporter.release(status, path, detail)


def export(
    sources: Path, dist: Path, now: datetime, reporter: Reporter, debug: bool = False,
    embargoed: Path | None = None, jobs: int = 1, force: bool = False, cache_dir: Path | None = None,
    preview: bool = False, printer: PrintsPDFs | None = None, remembered: Remembered | None = None,
) -> Summary:
    """Build every public release of `sources` into `dist`; a broken site.yaml writes nothing at all.

    Releases whose inputs did not change since the last export are taken from the
    cache in `cache_dir` (default: `.cache/` beside the sources folder) without
    being rendered again; the others are rendered here, their PDFs printed by
    `jobs` worker processes, or by the `printer` given (a ClusterPrinter: on a Dask cluster). With
    `embargoed`, releases still under embargo get a press copy for agencies in that folder:
    their PDF, wire text, NewsML-G2 and ninjs, marked with the embargo, and their images.
    A `preview` (press serve) publishes drafts and releases not public yet too, each
    with a banner that says so; it needs a `dist` and a `cache_dir` of its own, and writes into `dist` in
    place, not as a new snapshot. A process that builds many times keeps a `printer`, whose workers are
    then warm, and the cache entries it `remembered`.
    """
    cache_dir = cache_dir or sources.resolve().parent / ".cache"
    if printer is not None and printer.kept:
        # Warm workers read the theme's fonts from where WeasyPrint copied them, in the scratch folder of the
        # first build: the caller keeps that folder as long as they live (see scratch).
        return _export_with_scratch(sources, dist, now, reporter, debug, embargoed, jobs, force, cache_dir, preview,
                                    printer, remembered)
    with scratch(cache_dir / "scratch"):
        return _export_with_scratch(sources, dist, now, reporter, debug, embargoed, jobs, force, cache_dir, preview,
                                    printer, remembered)


@contextmanager
def scratch(folder: Path) -> Iterator[None]:
    """The temporary files of the export and of what it runs (WeasyPrint's copies of the theme's fonts, pandoc's)
    go into one folder of the build cache, removed at the end: a worker that is stopped leaves its own behind,
    and so does a killed export, whose folder the next export removes."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    before = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = os.environ["TMPDIR"] = str(folder)  # workers inherit it, whether forked or spawned
    try:
        yield
    finally:
        tempfile.tempdir = before[0]
        if before[1] is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = before[1]
        shutil.rmtree(folder, ignore_errors=True)


def _export_with_scratch(sources: Path, dist: Path, now: datetime, reporter: Reporter, debug: bool,
                         embargoed: Path | None, jobs: int, force: bool, cache_dir: Path, preview: bool,
                         printer: PrintsPDFs | None, remembered: Remembered | None) -> Summary:
    printer = printer or Printer(jobs)
    if force or touched_since(cache_dir / STAMP, [sources, sources.resolve().parent / "themes"]):
        # Only a hint, from modification times; what is printed is decided by content. But it lets the
        # workers start their second-long WeasyPrint import now, before anything else is read.
        printer.start_workers(1)
    output = InPlace(dist) if preview else Snapshot(dist)
    stopped = True
    try:
        check_output(dist, sources)
        summary = _export(sources, output.begin(), now, reporter, debug, embargoed, printer, force, cache_dir, preview,
                          remembered)
        if summary.published_nothing:  # site.yaml could not be read: the output folder stays as it was
            output.abandon()
        else:
            output.commit()
        stopped = False
    except OSError as exc:
        if debug or exc.errno not in MACHINE_FAULTS:
            raise
        summary = machine_fault(exc, dist, reporter, output, sources)
    except OutputRefused as exc:
        reporter.problem(Problem(dist, 0, "error", f"{exc}; nothing was published"))
        summary = Summary(errors=1, published_nothing=True)
        stopped = False
    except PrinterFault as exc:  # the cluster: stopped, its work cancelled
        for line in exc.args:
            reporter.problem(Problem(dist, 0, "error", f"{line}; nothing was published: {dist} is as it was"))
        summary = Summary(errors=len(exc.args), published_nothing=True)
    finally:
        if stopped:
            output.abandon()
        printer.close(stopped)
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / STAMP).touch()
    return summary


def check_output(dist: Path, sources: Path) -> None:
    """The output folder is replaced as a whole at every export (and tidied by every preview): it may not hold
    the sources, the themes, this code or the folder the command runs in, nor lie inside the sources."""
    output = dist.resolve()
    for what, folder in (("the folder you are in", Path.cwd().resolve()), ("the sources", sources.resolve()),
                         ("the themes", sources.resolve().parent / "themes"),
                         ("the pipeline's own code", Path(__file__).resolve().parent.parent)):
        if folder == output or output in folder.parents:
            raise OutputRefused(f"the output folder {dist} holds {what}, and every export replaces it as a whole; "
                                "export into a folder of its own, such as dist")
    if sources.resolve() in output.parents:
        raise OutputRefused(f"the output folder {dist} lies inside the sources folder; export into a folder beside "
                            "it, such as dist")


def machine_fault(exc: OSError, dist: Path, reporter: Reporter, output: Snapshot | InPlace | None = None,
                  sources: Path | None = None) -> Summary:
    """A full disk, a file-size limit, a read-only folder, a folder of the sources that cannot be read: one line
    that says what to do; nothing is published."""
    where = Path(exc.filename) if exc.filename else dist
    if output and output.folder and output.folder in where.parents:  # a file of the new export: say where it would have gone
        inside = where.relative_to(output.folder)
        where = dist / inside.relative_to(inside.parts[0])
    inputs = [sources.absolute(), sources.absolute().parent / "themes"] if sources else []
    read = exc.errno in (errno.EACCES, errno.EPERM) and any(where.absolute().is_relative_to(f) for f in inputs)
    what = (f"this cannot be read ({exc.strerror}); let everyone read it (chmod a+r, or a+rx for a folder) and export "
            "again" if read else MACHINE_FAULTS[exc.errno])
    left = ("the preview shows what was built before; the next build tidies it" if isinstance(output, InPlace)
            else f"nothing was published: {dist} is as it was")
    reporter.problem(Problem(where, 0, "error", f"{what}; {left}"))
    return Summary(errors=1, published_nothing=True)


def _export(sources: Path, dist: Path, now: datetime, reporter: Reporter, debug: bool, embargoed: Path | None,
            printer: PrintsPDFs, force: bool, cache_dir: Path, preview: bool = False,
            remembered: Remembered | None = None) -> Summary:
    from pipeline.source.load import release_files  # after the hint above: these imports take a tenth of a second

    run = _Run(reporter)
    site, theme, site_problems = press_room(sources)
    run.problems(site_problems)
    if site is None or theme is None:
        run.summary.published_nothing = True
        return run.summary
    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo(site.timezone))
    run.problems(_linked_folders(sources))
    site = kept_statement(site, cache_dir)
    settings = Settings(site=site, theme=theme, dist=dist, now=now, embargoed=embargoed, debug=debug,
                        compiled=cache_dir / "templates", photos=cache_dir / "photos", preview=preview)
    cache = Cache(cache_dir, _salt(site, theme, cache_dir) + ("preview" if preview else ""), remembered)
    keyed = [(path, _source_of(path, sources)) for path in release_files(sources)]
    keyed = [(path, source, cache.key(source, _bytes_of(path))) for path, source in keyed]
    # A release with no cache entry will be printed: start the workers now, while the others are checked.
    printer.start_workers(sum(force or not cache.has(key) for _, _, key in keyed))
    summary = _build(keyed, settings, cache, printer, force, run)
    if not preview:
        from pipeline.render.photos import prune

        prune(settings.photos)
    return summary


def kept_statement(site: Site, cache_dir: Path) -> Site:
    """The press room with the accessibility statement to publish: a sound one is remembered in the build cache,
    and one with mistakes gives way to it. The law wants a statement online, and a typo never unpublishes."""
    remembered = cache_dir / "accessibility.json"
    if site.accessibility is not None:  # written only when it changed
        write_bytes(cache_dir, remembered.name, orjson.dumps(asdict(site.accessibility), option=orjson.OPT_SORT_KEYS))
        return site
    if not site.accessibility_faulty:  # no statement asked for: none is published, and none is kept
        remembered.unlink(missing_ok=True)
        return site
    from pipeline.source.model import Accessibility

    try:
        last = orjson.loads(remembered.read_bytes())
        dates = {key: datetime.fromisoformat(last[key]) if last[key] else None for key in ("assessed", "updated")}
        return replace(site, accessibility=Accessibility(**{**last, **dates, "gaps": tuple(last["gaps"]),
                                                             "enforcement": tuple(last["enforcement"])}))
    except (OSError, ValueError, TypeError, KeyError):
        return site


def press_room(sources: Path) -> tuple[Site | None, Theme | None, list[Problem]]:
    """The press room's settings and theme, and the problems of site.yaml."""
    from pipeline.source.load import load_site

    site, problems = load_site(sources / "site.yaml")
    theme = find_theme(sources, site.theme) if site else None
    if site and theme is None:
        problems.error(
            line_starting(file_lines(site.path), "theme:") or 1,
            f"theme '{site.theme}' was not found; create themes/{site.theme}/ beside the sources folder or use 'theme: default'",
        )
    if site and site.logo and site.logo.src.suffix.lower() != ".svg":
        from pipeline.body.document import unreadable_image  # decodes only a raster logo, once per process

        if why := unreadable_image(site.logo.src, site.limits.image_megapixels):
            problems.error(line_starting(file_lines(site.path), "logo:") or 1,
                           f"the logo '{site.logo.src.name}' cannot be used: {why}")
            return None, theme, problems.items  # every page shows it: as any error of site.yaml, it stops the export
    return site, theme, problems.items


def _build(keyed: list[tuple[Path, str, str]], settings: Settings, cache: Cache, printer: PrintsPDFs, force: bool,
           run: _Run) -> Summary:
    """Every release from the cache or rendered, reported, then listed: the listings, feeds and manifest."""
    from pipeline.build.collection import build_collection

    previous = _last_manifest(settings.dist, cache)
    before = {e["source"]: e for e in _listed(previous.get("releases")) if _sound(e)}
    outcomes: dict[str, Outcome] = {}  # by source: those taken from the cache first, then the others in source order
    todo = []
    for path, source, key in keyed:
        cached = None if force else _cached(cache, path, key, settings)
        if cached:
            outcomes[source] = cached
        else:
            todo.append((path, source, key))
    loaded = _load_all(todo, settings, cache, outcomes)

    # A release that fails to load keeps what it published before, while public at --now: it still holds
    # its id and address, and links to it still lead there.
    kept = {s: before[s] for s, o in outcomes.items() if o.status == Status.FAILED and _still_public(before.get(s), settings.now)}
    for source, problem in clashes(outcomes, before, kept):
        outcomes[source] = replace(outcomes[source], status=Status.FAILED, cached=False).with_problems(problem)
        loaded.pop(source, None)
    index = release_index(outcomes, kept)
    loaded |= _stale_links(outcomes, index, settings)
    if loaded:  # (a theme that changed has every release rendered again: its templates are read here)
        from pipeline.render.pages import template_problems

        if broken := template_problems(settings.theme, settings.compiled):
            run.problems(broken)
            run.summary.published_nothing = True
            return run.summary

    todo = [(release, outcomes[source]) for source, release in loaded.items()]
    printer.start_workers(len(todo))
    run.reporter.begin(len(todo))
    for outcome in _render_all(todo, settings, printer, index, outcomes):
        if outcome.item is not None:
            cache.put_item(outcome.key, outcome.item)  # feeds read it back: the parent keeps no content
            outcome = replace(outcome, item=None)
        cache.put(outcome.key, outcome.to_json())
        outcomes[outcome.source] = outcome
        run.reporter.advance()
    run.reporter.end()
    entries, item_keys = _report_all(outcomes, before, index, settings, run)
    run.summary.next_publication = next_publication(run.summary.upcoming, settings.site)
    manifest = build_collection(entries, _feed_items(item_keys, cache, settings, index), settings.site, settings.theme,
                                settings.dist, previous, cache, settings.now)
    if manifest != previous or not (settings.dist / MANIFEST).is_file() or not (cache.folder / MANIFEST).is_file():
        write_manifest(settings.dist, manifest)  # pretty JSON of every output is slow to make: only when it changed
        write_manifest(cache.folder, manifest)
    remove_stale(settings.dist, previous, manifest)
    if settings.embargoed is not None:
        _tidy_press_copies(settings, outcomes, run)
    return run.summary


def _last_manifest(dist: Path, cache: Cache) -> dict:
    """What the last export published, from dist/'s manifest.

    When that cannot be read (damaged, emptied), the build cache's copy is used, so that what the last export
    published is still known: removed when stale, and kept while its release fails.
    """
    previous = read_manifest(dist)
    if not previous.get("releases") and (dist / MANIFEST).exists():
        previous = read_manifest(cache.folder, MANIFEST)
    return previous


def _cached(cache: Cache, path: Path, key: str, settings: Settings) -> Outcome | None:
    """The release's outcome of an earlier export, if it stands as it was: nothing needs to be done for it."""
    entry = cache.get(key)
    cached = Outcome.from_json(entry, path, key) if entry else None
    return cached if cached and _still_good(cached, settings.dist, settings.now, settings.embargoed) else None


def _load_all(todo: list[tuple[Path, str, str]], settings: Settings, cache: Cache,
              outcomes: dict[str, Outcome]) -> dict[str, Release]:
    """Read the releases not taken from the cache; those to render, by source. Each gets its outcome in
    `outcomes`: to render, a draft, or failed with every problem of its front matter and its body."""
    loaded: dict[str, Release] = {}
    unloaded: list[str] = []
    for path, source, key in todo:
        release, problems = load(path, settings.site, settings.debug, settings.preview)
        outcome = Outcome(source, path, key, Status.TO_RENDER, ReleaseFacts.of(release) if release else None,
                          problem_lines(problems.items))
        if release is None:
            outcome = replace(outcome, status=Status.FAILED)
            unloaded.append(source)
        elif release.draft and not settings.preview:
            # Not converted: the files its front matter names are known, and may not be published by others.
            files = sorted({str(p) for p in release.named_files})
            outcome = replace(outcome, status=Status.DRAFT, media={p: file_digest(Path(p)) for p in files},
                              media_stamps={p: stamp(Path(p)) for p in files})
            cache.put(key, outcome.to_json())
        else:
            loaded[source] = release
        outcomes[source] = outcome
    check_unloaded_bodies(unloaded, outcomes, settings.site, settings.now)
    for source in unloaded:
        # Never trusted (it is loaded again), but its key is known: no worker is started for it next time.
        cache.put(outcomes[source].key, outcomes[source].to_json())
    return loaded


def _stale_links(outcomes: dict[str, Outcome], index: dict[str, list | None], settings: Settings) -> dict[str, Release]:
    """Cached releases to render again, by source: whether a link to another release holds depends on that
    release, so a cached page whose links point at a release that moved, vanished, changed its time or is not
    public at --now is made again."""
    from pipeline.source.load import load_release

    again = {}
    for source, outcome in outcomes.items():
        links = outcome.links if outcome.cached else {}
        if any(index.get(t) != v or not _public_for(v, outcome, settings.now) for t, v in links.items()):
            release, problems = load_release(outcome.path, settings.site, settings.preview)
            if release is not None:  # it loaded before, from the same bytes
                # Afresh, as a release not taken from the cache: what it used and published is known again
                # once it is rendered (should it fail, its files are judged by the names in its source).
                outcomes[source] = Outcome(source, outcome.path, outcome.key, Status.TO_RENDER, outcome.release,
                                           problem_lines(problems.items))
                again[source] = release
    return again


def _render_all(todo: list[tuple[Release, Outcome]], settings: Settings, printer: PrintsPDFs, index: dict[str, list],
                outcomes: dict[str, Outcome]) -> Iterator[Outcome]:
    """The outcomes of the releases to render, as they come.

    Releases not public yet go first (converted, and printed only for a press copy), so that the files they use are
    known before any public release publishes one of them early: the caller records each outcome in
    `outcomes` before taking the next, and the second pass reads them there.
    """
    now = settings.now  # links are judged at --now for releases not public yet too
    shown = lambda release: settings.preview or release.is_public(now)  # noqa: E731  a preview shows every release
    yield from _render([t for t in todo if not shown(t[0])], settings, printer, index, last=False)
    settings = replace(settings, private=_private_files(outcomes, settings.site))
    yield from _render([t for t in todo if shown(t[0])], settings, printer, index)


def _report_all(outcomes: dict[str, Outcome], before: dict[str, dict], index: dict[str, list | None],
                settings: Settings, run: _Run) -> tuple[list[dict], dict[str, tuple[str, Path]]]:
    """Say what became of every release, each with its problems; the manifest entries to list, newest first,
    and where the feed item of each release published now is kept (its cache key and file, by id)."""
    site, now = settings.site, settings.now

    def keeps(entry: dict | None) -> bool:
        """A release that fails keeps what it published before (a typo never unpublishes it), unless that is not
        public at this --now, or links to a release that may not be seen now: an embargo is judged afresh every
        time. (A link to a release that is gone only leads nowhere.)"""
        return _still_public(entry, now) and all(
            t not in index or _public_for(index[t], None, now) for t in _listed(entry.get("links")))

    # Each release with its problems, in the same order whatever -j is.
    by_id = {e.get("id"): e for e in before.values()}
    entries, item_keys = [], {}
    for source, outcome in outcomes.items():
        earlier = before.get(source) or by_id.get(outcome.release.id if outcome.release else None)
        _report(outcome, earlier, keeps(earlier), site, run)
        run.problems([Problem(outcome.path, line, severity, message) for line, severity, message in outcome.problems])
        if outcome.status == Status.PUBLISHED:
            entries.append(outcome.entry)
            item_keys[outcome.entry["id"]] = (outcome.key, outcome.path)
    kept_entries = [before[s] for s in sorted(run.failed_sources) if keeps(before.get(s))]
    ids_now = {o.release.id for o in outcomes.values() if o.release}
    for source in sorted(set(before) - set(outcomes)):
        if before[source].get("id") not in ids_now:  # else it moved, and its line says so
            run.said("removed", site.root.parent / source, f"source deleted; took down {_page_folder(before[source])}")
    run.problems(unused_files(site, outcomes))
    entries = sorted(entries + kept_entries, key=lambda e: (datetime.fromisoformat(e["date"]), e["id"]), reverse=True)
    return entries, item_keys


def _feed_items(item_keys: dict[str, tuple[str, Path]], cache: Cache, settings: Settings,
                index: dict[str, list | None]) -> Callable[[dict], dict]:
    """What feeds say of a release, by its manifest entry: from the cache, read one feed at a time; a kept
    release's from its entry."""
    def item_of(entry: dict) -> dict:
        from pipeline.render.feeds import feed_item  # only when a feed is made: a no-op export never needs it

        if entry["id"] not in item_keys:
            return feed_item(entry, None)
        key, path = item_keys[entry["id"]]
        item = cache.item(key)
        if item is None:  # lost or damaged: made again from the source, which has not changed since
            from pipeline.body.document import convert
            from pipeline.source.load import load_release

            release = load_release(path, settings.site, settings.preview)[0]
            item = feed_item(entry, convert(release, settings.site, index, settings.now))
            cache.put_item(key, item)
        return item

    return item_of


def next_publication(upcoming: list[tuple[datetime, str]], site: Site) -> str | None:
    """When the next release not public yet goes out, as the press room's language says it, and which."""
    if not upcoming:
        return None
    from pipeline.labels import weekday_date_time

    first = min(moment for moment, _ in upcoming)
    names = sorted(name for moment, name in upcoming if moment == first)
    which = names[0] + (f" and {len(names) - 1} more" if len(names) > 1 else "")
    return f"{weekday_date_time(first, site.lang, site.timezone)} ({which})"


def _tidy_press_copies(settings: Settings, outcomes: dict[str, Outcome], run: _Run) -> None:
    """The press-copy folder holds the releases under embargo now: a copy whose embargo lifted, or whose
    release was withdrawn, failed or deleted, is removed. Its own list, press-copies.json, says which files
    are copies, and its index.html shows them to a reader; nothing else in the folder is touched (it may be
    any folder an operator names): an index.html this export did not write is left as it is."""
    from pipeline.render.pages import environment_for, render_press_copies

    folder = settings.embargoed
    copies = sorted((o.press_copy for o in outcomes.values() if o.status == Status.NOT_PUBLIC_YET and o.press_copy),
                    key=lambda c: c["source"])
    previous = read_manifest(folder, PRESS_COPIES)
    by_embargo = sorted(copies, key=lambda c: (datetime.fromisoformat(c["embargo"]), c["source"]))
    page = render_press_copies(by_embargo, settings.site, environment_for(settings.theme, settings.compiled))
    index = folder / PRESS_COPIES_INDEX
    written = None
    if index.is_file() and not index.is_symlink():
        ours = file_digest(index) in (previous.get("index"), sha256(page))  # as the last export wrote it
    else:
        ours = not (index.exists() or index.is_symlink())
    if ours:
        written = write_bytes(folder, PRESS_COPIES_INDEX, page)
    else:
        run.problems([Problem(index, 0, "warning", "this is not the press copies' index, and is left as it is; move "
                              "it away for the index to be written here")])
    manifest = {"releases": copies, "index": written}
    if manifest != previous or not (folder / PRESS_COPIES).is_file():
        write_manifest(folder, manifest, PRESS_COPIES)
    remove_stale(folder, previous, manifest)


def load(path: Path, site: Site, debug: bool, preview: bool = False) -> tuple[Release | None, Problems]:
    """load_release; a bug it meets fails this release only, with a line that says so (the traceback with --debug)."""
    from pipeline.source.load import load_release

    try:
        return load_release(path, site, preview)
    except Exception as exc:
        if debug:
            raise
        problems = Problems(path)
        problems.error(1, f"internal error while reading this release ({type(exc).__name__}: {exc}); "
                          "rerun with --debug for the traceback and report it")
        return None, problems


def check_unloaded_bodies(unloaded: list[str], outcomes: dict[str, Outcome], site: Site, now: datetime) -> None:
    """A release whose front matter failed has its body checked too: every problem is said in one export."""
    from pipeline.source.load import body_of

    bodies = [(source, body) for source in unloaded if (body := body_of(outcomes[source].path, site.limits.release_bytes))]
    if not bodies:
        return
    from pipeline.body.document import check_bodies

    index = release_index(outcomes, {})  # links are judged as far as they can be: where the others are
    found = check_bodies([(outcomes[source].path, text, line, site.lang) for source, (text, line) in bodies], site, index, now)
    for (source, _), problems in zip(bodies, found, strict=True):
        outcomes[source] = outcomes[source].with_problems(*problems)


def _report(outcome: Outcome, earlier: dict | None, kept: bool, site: Site, run: _Run) -> None:
    """One line for a release: what this export did with it, compared with what was published before.

    `earlier` is its entry in the previous manifest: by its source, or by its id when the source moved;
    `kept`, whether that stays published should the release fail now.
    """
    source, status, path = outcome.source, outcome.status, outcome.path
    took_down = f"took down {_page_folder(earlier)}" if earlier else ""
    moved = f"moved from {earlier.get('source')}" if earlier and earlier.get("source") != source else ""
    if status == Status.PUBLISHED:
        if earlier is None:
            run.said("new", path)
        else:
            run.said("unchanged" if _same_outputs(earlier, outcome.entry) else "updated", path, moved)
    elif status == Status.FAILED:
        run.failed_sources.add(source)
        if kept and not moved:
            run.said("failed", path, "the last good version stays published")
        else:
            run.said("failed", path, "; ".join(x for x in ("nothing is published", took_down) if x))
    elif status == Status.NOT_PUBLIC_YET:  # said 'embargo' whether under embargo or only dated later
        public = outcome.release.public_time.astimezone(ZoneInfo(site.timezone))
        run.said("embargo", path, "; ".join(x for x in (public.strftime("until %Y-%m-%d %H:%M %Z"), took_down) if x))
        run.summary.press_copies += bool(outcome.press_copy)
        run.summary.upcoming.append((outcome.release.public_time, outcome.release.folder.rsplit("/", 1)[-1]))
    elif status == Status.DRAFT:
        run.said("removed", path, f"now a draft; {took_down}") if earlier else run.said("draft", path)


def _sound(entry) -> bool:
    """Whether an entry of the previous manifest has everything the listings and feeds read of a kept release.

    One that does not (damaged by hand, or by a crash before this version) is not kept: it would stop the
    listings after every release was written. Its files are still removed as stale ones.
    """
    if not isinstance(entry, dict):
        return False
    texts = ("id", "title", "lang", "date", "public", "url", "source")
    if not all(isinstance(entry.get(k), str) for k in texts):
        return False
    if not all(isinstance(entry.get(k), list) and all(isinstance(x, str) for x in entry[k]) for k in ("topics", "regions")):
        return False
    outputs, files = entry.get("outputs"), entry.get("files")
    if not isinstance(outputs, dict) or not isinstance(files, list):
        return False
    if not all(isinstance(o, dict) and isinstance(o.get("path"), str) and isinstance(o.get("sha256"), str)
               for o in [*outputs.values(), *files]):
        return False
    try:
        moments = [datetime.fromisoformat(entry[k]) for k in ("date", "public")]
    except ValueError:
        return False
    return all(m.tzinfo is not None for m in moments)


def _listed(value) -> list:
    return value if isinstance(value, list) else []


def _page_folder(entry: dict) -> str:
    """'2026/budget-2027/': where a manifest entry's page lies under dist/."""
    html = entry.get("outputs", {}).get("html")
    page = html.get("path") if isinstance(html, dict) else None
    return page.rsplit("/", 1)[0] + "/" if isinstance(page, str) and "/" in page else ""


def _same_outputs(earlier: dict, entry: dict) -> bool:
    def shas(e: dict) -> list:
        files = list(e.get("outputs", {}).values()) + (e.get("files") if isinstance(e.get("files"), list) else [])
        return sorted([str(o.get("path")), str(o.get("sha256"))] for o in files if isinstance(o, dict))

    return shas(earlier) == shas(entry)


def _still_public(entry: dict | None, now: datetime) -> bool:
    """Whether an entry of the previous manifest may stay published at `now`."""
    try:
        return datetime.fromisoformat(entry["public"]) <= now
    except (KeyError, TypeError, ValueError):
        return False  # no entry, or one that does not say when it became public


def published_index(manifest: dict) -> dict[str, list]:
    """Source -> [folder, public time, draft] of every release a manifest lists, as release_index gives them."""
    return {e["source"]: [_page_folder(e).rstrip("/"), e["public"], False]
            for e in _listed(manifest.get("releases")) if _sound(e)}


def release_index(outcomes: dict[str, Outcome], kept: dict[str, dict]) -> dict[str, list | None]:
    """Source -> [folder, public time, draft] of every release, what links to it resolve by.

    Lists, not tuples: an Outcome's links keep these as they were when it was rendered, read back from the
    cache's JSON as lists, and a link holds while the two compare equal.

    A release that cannot be read is there as its last published version while that stays, else None.
    """
    index: dict[str, list | None] = {}
    for source, o in outcomes.items():
        if o.release and o.status != Status.FAILED:
            index[source] = [o.release.folder, o.release.public, o.release.draft]
        elif source in kept:
            index[source] = [_page_folder(kept[source]).rstrip("/"), kept[source]["public"], False]
        else:
            index[source] = None
    return index


def _public_for(target: list | None, linker: Outcome | None, now: datetime) -> bool:
    """Whether a linked release is public whenever the linking one is shown: at --now, or at its own time if later."""
    if not target or target[2]:
        return False
    when = now
    if linker and linker.release:
        when = max(now, linker.release.public_time)
    return datetime.fromisoformat(target[1]) <= when


def unused_files(site: Site, outcomes: dict[str, Outcome]) -> list[Problem]:
    """Files under sources/ that are not releases and that nothing uses: a Word document saved there, say."""
    used = {p for o in outcomes.values() for p in o.media}
    if site.logo:
        used.add(str(site.logo.src))
    unread = [o for o in outcomes.values() if o.status in (Status.FAILED, Status.DRAFT)]  # not converted: judge by names
    mentioned = b"\n".join(_bytes_of(o.path) for o in unread)
    out, root = [], site.root.resolve()
    for path in other_files(site.root):
        if str(root / path.relative_to(site.root)) in used or path.name.encode("utf-8") in mentioned \
                or str(path.resolve()) in used:  # resolved last: a link inside sources/ is rare, and resolving costs
            continue
        if path.suffix.lower() in IMPORTED_SUFFIXES:
            hint = f"make a release of it with press import \"{path}\", then move the document out of sources/"
        elif path.suffix.lower() in DOCUMENT_SUFFIXES:
            hint = "save it as a Markdown release (.md) with front matter; see SOURCE-FORMAT.md"
        else:
            hint = "use it in a release (image, attachment or link), or move it out of sources/"
        out.append(Problem(path, 0, "warning", f"this file is not a release and no release uses it; {hint}"))
    return out


IMPORTED_SUFFIXES = {".docx", ".odt"}  # what press import reads
DOCUMENT_SUFFIXES = {".docx", ".doc", ".odt", ".rtf", ".txt", ".md", ".markdown", ".mdown", ".mkd", ".htm", ".html", ".pages"}


def _private_files(outcomes: dict[str, Outcome], site: Site) -> dict[str, str]:
    """Files used by releases that are not public (under embargo, drafts): path -> which release, and until when."""
    private = {}
    for source, outcome in outcomes.items():
        if outcome.status == Status.DRAFT:
            why = f"{source}, a draft"
        elif outcome.status == Status.NOT_PUBLIC_YET:
            until = outcome.release.public_time.astimezone(ZoneInfo(site.timezone))
            why = f"{source}, which is not public until {until:%Y-%m-%d %H:%M %Z}"
        else:
            continue
        for path in outcome.media:
            private.setdefault(path, why)
    return private


def _render(todo: list[tuple[Release, Outcome]], settings: Settings, printer: PrintsPDFs, index: dict[str, list],
            last: bool = True) -> Iterator[Outcome]:
    """Outcomes of the releases to render as they finish: batches prepared here while the printer makes their PDFs.

    At most about two batches wait for their PDFs at a time, so memory does not grow with the archive.
    `last`: nothing will be printed after these, so the printer's workers may go once they are done.
    """
    if not todo:
        if last:
            printer.done()
        return
    from pipeline.build.release import prepare_chunk, publish  # pandoc and templates: only when something is to be built

    chunks = iter([todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)])
    waiting: dict = {}  # future -> Prepared
    while True:
        while len(waiting) < CHUNK + printer.workers and (chunk := next(chunks, None)):
            for prepared in prepare_chunk(chunk, settings, index):
                if isinstance(prepared, Outcome):
                    yield prepared
                else:
                    waiting[printer.submit(prepared.job)] = prepared
        if not waiting:
            if last:
                printer.done()
            return
        done, _ = wait(waiting, return_when=FIRST_COMPLETED)
        for future in sorted(done, key=lambda f: waiting[f].outcome.source):
            prepared = waiting.pop(future)
            yield publish(prepared, printer.outcome(future, prepared.job), settings)


def _still_good(cached: Outcome, dist: Path, now: datetime, embargoed: Path | None) -> bool:
    """A cached outcome stands if its media and its outputs in dist/ are as it recorded them."""
    if not all(unchanged(p, sha, cached.media_stamps.get(p)) for p, sha in cached.media.items()):
        return False
    if cached.status == Status.DRAFT:
        return True
    if cached.status == Status.NOT_PUBLIC_YET:  # once public it is rendered; a press copy stands while its files do
        copy = cached.press_copy
        return cached.release.public_time > now and (embargoed is None or copy is not None and all(
            unchanged(os.path.join(embargoed, f["path"]), f["sha256"], cached.stamps.get(f["path"]))
            for f in copy["files"]) and datetime.fromisoformat(copy["embargo"]) > now)
    if cached.status != Status.PUBLISHED or not _still_public(cached.entry, now):
        return False  # published once, but public state is judged afresh at every --now
    folder = str(dist)
    return all(
        unchanged(os.path.join(folder, o["path"]), o["sha256"], cached.stamps.get(o["path"]))
        for o in list(cached.entry["outputs"].values()) + cached.entry["files"]
    )


def _salt(site: Site, theme: Theme, cache_dir: Path) -> str:
    """Everything besides a release itself that its outputs depend on: site.yaml, the logo, the theme's
    files, and the code that renders (this package's own files and the versions of the tools it runs)."""
    parts = [site.path.read_bytes(), site.logo.src.read_bytes() if site.logo else b""]
    known = FileDigests(cache_dir / "theme-files.json")
    for layer in theme.layers:
        root = str(layer)
        for folder, subfolders, names in os.walk(root):
            subfolders.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                if os.path.isfile(path):  # as Theme.static: a broken link or a pipe is no file of the theme
                    parts += [path[len(root) + 1:].replace(os.sep, "/"), known.sha256(path)]
    known.save()
    return digest(*parts, code_fingerprint())


RENDERING_LIBRARIES = ("pypandoc_binary", "weasyprint", "pydyf", "tinycss2", "cssselect2", "pikepdf", "feedgen",
                       "jinja2", "markupsafe", "lxml", "pillow", "fonttools", "pyphen", "babel", "langcodes",
                       "language_data", "anyascii", "pyyaml", "tzdata", "email_validator", "orjson")


@functools.cache
def code_fingerprint() -> str:
    """What the installed pipeline is: its own source files and the versions of the libraries that render.

    A changed pipeline renders everything again even when its version number stays the same."""
    return digest(pipeline_code(), *rendering_libraries())


@functools.cache
def pipeline_code() -> str:
    """A digest of this package's own source files."""
    package = Path(__file__).resolve().parent.parent
    return digest(*[p.relative_to(package).as_posix().encode() + b"\0" + p.read_bytes()
                    for p in sorted(package.rglob("*.py"))])


@functools.cache
def rendering_libraries() -> tuple[str, ...]:
    """The installed libraries that render, as the names of their metadata folders ('weasyprint-66.0.dist-info'):
    a listing, far cheaper than asking importlib.metadata."""
    wanted = re.compile(rf"^({'|'.join(RENDERING_LIBRARIES)})-[^-]+\.dist-info$", re.I)
    found: list[str] = []
    for folder in sys.path:
        try:
            found += sorted(name.lower() for name in os.listdir(folder or ".") if wanted.match(name))
        except OSError:
            continue
    return tuple(found)


def clashes(outcomes: dict[str, Outcome], before: dict[str, dict], kept: dict[str, dict]) -> list[tuple[str, ProblemLine]]:
    """Two releases may not share an id or an output folder.

    The release that published it before keeps it (even while it fails and its last version stays) and
    only the newcomer fails; when none did, all of them fail, since any could be the mistake.
    """
    clashes = []
    for name, what, fix in (("id", "id", "give each release its own 'id'"), ("folder", "address", "rename one of the files")):
        held = {(e.get("id") if name == "id" else _page_folder(e).rstrip("/")): source for source, e in before.items()}
        groups: dict[str, list[str]] = {}
        for source, outcome in outcomes.items():
            if outcome.release:
                groups.setdefault(getattr(outcome.release, name), []).append(source)
        for key, sources in groups.items():
            holder = held.get(key)
            holds = holder in sources or holder in kept
            if len(sources) < 2 and not (holds and holder not in sources):
                continue
            for source in sources:
                if source == holder:
                    continue
                path = outcomes[source].path
                line = (line_starting(file_lines(path), "id:") or 1) if name == "id" else 1
                if holds:
                    message = f"{what} '{key}' is already published by {holder}; {fix}"
                else:
                    others = ", ".join(o for o in sources if o != source)
                    message = f"{what} '{key}' is also used by {others}; {fix}"
                clashes.append((source, (line, "error", message)))
    return clashes


def other_files(sources: Path) -> list[Path]:
    """Every file under sources/ besides the releases and site.yaml, in a stable order; hidden ones left out."""
    return sorted(
        p for p in sources.rglob("*")
        if p.suffix != ".md" and p.is_file() and p.name != "site.yaml"
        and not any(part.startswith(".") for part in p.relative_to(sources).parts)
    )


def _linked_folders(sources: Path) -> list[Problem]:
    """Folders under sources/ that are symbolic links: not read, and said so. A folder that cannot be read stops
    the export (its releases would seem deleted, and be taken down)."""
    def unreadable(exc: OSError) -> None:
        raise exc

    found = []
    for folder, subfolders, _ in os.walk(sources, onerror=unreadable):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in sorted(subfolders):
            if not name.startswith(".") and (Path(folder) / name).is_symlink():
                found.append(Problem(Path(folder) / name, 0, "error", "this folder is a symbolic link, and nothing in it is "
                                     "read (what it leads to can change unseen); copy the folder into its place"))
    return found


def _bytes_of(path: Path) -> bytes:
    """A release file's bytes, for its cache key; one that cannot be read is keyed apart and fails when loaded."""
    try:
        return path.read_bytes()
    except (OSError, RuntimeError):
        return b"\0unreadable"


def _source_of(path: Path, sources: Path) -> str:
    return (Path(sources.name) / path.relative_to(sources)).as_posix()

