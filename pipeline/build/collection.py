"""Stage: what the press room shows as a whole: listing pages, feeds, sitemaps and theme files.

Made from manifest entries alone, so a release kept from an earlier build is
listed like any other. Each page and feed is made again only when what it
shows changed: the build cache remembers what made each file. The news sitemap
alone depends on --now as well (it lists the releases of the last two days), so
an export whose releases are as before makes that one file again when a
release entered or left its window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from pipeline.render.artifact import Artifact
from pipeline.build.cache import Cache, digest, stamp, unchanged
from pipeline.source.model import Site
from pipeline.build.output import write
from pipeline.paths import site_file_path
from pipeline.render.serving import OPERATORS_CHOICE, operators_own, server_files
from pipeline.render.sitemaps import (NEWS_SITEMAP, SITEMAP, news_entries, newest, release_lastmod, render_news_sitemap,
                                      render_sitemap)
from pipeline.labels import labels
from pipeline.render.theme import Theme

if TYPE_CHECKING:
    from pipeline.render.fonts import FontCoverage


def build_collection(
    entries: list[dict], item_of: Callable[[dict], dict], site: Site, theme: Theme, dist: Path, previous: dict, cache: Cache,
    now: datetime,
) -> dict:
    """The manifest: `entries` (newest first) and every listing page, feed, sitemap and theme file, written to
    dist/; the news sitemap lists what is new at `now`."""
    # Entries carry the sha256 of every output of every release, so they change whenever anything shown does.
    marks = {e["id"]: digest(_data(e)) for e in entries}
    fingerprint = digest(*marks.values(), cache.salt)
    written = _Written(dist, cache)
    news = news_entries(entries, now)
    sitemaps = previous.get("sitemaps", [])
    if previous.get("collection") == fingerprint and any(f["path"] == NEWS_SITEMAP for f in sitemaps) and all(
        written.in_place(f["path"], f["sha256"])
        for f in previous.get("pages", []) + previous.get("feeds", []) + previous.get("assets", []) + sitemaps
    ) and _operators_files_stay(previous, dist):
        # The releases are as before: only the news sitemap may differ, should a release have left its window.
        written.keep_all()
        sitemaps = [_news_sitemap(news, site, marks, written) if f["path"] == NEWS_SITEMAP else f for f in sitemaps]
        written.save()
        return {**previous, "releases": entries, "sitemaps": sitemaps}
    # Templates and feeds are imported here: a no-op export never needs them.
    from pipeline.render.feeds import FORMATS, render_feeds
    from pipeline.render.listings import listing_pages, listings, render_listing_page
    from pipeline.render.fonts import coverage
    from pipeline.render.pages import environment_for
    from pipeline.render.statement import render_statement, statement_langs, statement_path

    env = environment_for(theme, cache.folder / "templates")
    fonts = coverage(theme)
    every_listing = listings(entries, site)
    pages: list[dict] = []
    feeds: list[dict] = []
    # Every public page for sitemap.xml, with when it last changed: a listing page when the newest release it shows
    # did; the accessibility statement when it was last reviewed.
    public_pages = [(e["outputs"]["html"]["path"], release_lastmod(e)) for e in entries]
    for listing in every_listing:
        for page in listing_pages(listing, every_listing, site):
            inputs = page.inputs(lambda e: marks[e["id"]])
            sha = written.write_one(page.path, inputs, partial(render_listing_page, page, site, env, fonts))
            pages.append({"path": page.path, "sha256": sha})
            public_pages.append((page.path, newest(map(release_lastmod, page.shown))))
        shown = listing.entries[: site.feed_size]
        paths = [listing.folder + name for _, name in FORMATS]
        inputs = [listing.folder, listing.title, [marks[e["id"]] for e in shown]]
        make = partial(render_feeds, shown, item_of, site, listing.folder, listing.title)
        for (fmt, _), path, sha in zip(FORMATS, paths, written.write(paths, inputs, make)):
            feeds.append({"path": path, "format": fmt, "scope": listing.scope, "key": listing.key,
                          "entries": len(shown), "sha256": sha})
    for lang in statement_langs(site, {e["lang"] for e in entries}):
        path = statement_path(site, lang)  # its words are site.yaml's, which the cache's salt holds
        pages.append({"path": path, "sha256": written.write_one(path, ["statement", lang],
                                                                partial(render_statement, site, lang, env, fonts))})
        public_pages.append((path, site.accessibility.reviewed.isoformat()))
    # The fonts of a script are published once a page is written in it: a Swedish press room publishes no Chinese font.
    scripts = {s for e in entries for s in e["outputs"]["html"].get("scripts", ())}
    # and what only listings show: the press room's own texts, its labels, the languages' names
    scripts |= set(fonts.needed(" ".join([site.title, site.name, site.description or "", *labels(site.lang).values(),
                                          *(x.name for x in every_listing)])))
    assets = [{"path": a.path, "sha256": written.place(a)} for a in site_artifacts(site, theme, dist, fonts, scripts,
                                                                                           cache.folder / "photos")]
    sitemap = written.write_one(SITEMAP, public_pages, partial(render_sitemap, site, public_pages))
    sitemaps = [{"path": SITEMAP, "format": "sitemap", "urls": len(public_pages), "sha256": sitemap},
                _news_sitemap(news, site, marks, written)]
    written.save()
    return {"releases": entries, "feeds": feeds, "pages": pages, "assets": assets, "sitemaps": sitemaps,
            "collection": fingerprint}


def _operators_files_stay(previous: dict, dist: Path) -> bool:
    """Whether each settings file the last export left to the operator is still theirs: one they removed is the
    export's to write again."""
    written = {f["path"] for f in previous.get("assets", [])}
    return all(operators_own(dist, name) for name in OPERATORS_CHOICE if name not in written)


def _news_sitemap(news: list[dict], site: Site, marks: dict[str, str], written: _Written) -> dict:
    """The news sitemap of the releases in its window (made again only when they changed), as the manifest lists it."""
    sha = written.write_one(NEWS_SITEMAP, [marks[e["id"]] for e in news], partial(render_news_sitemap, site, news))
    return {"path": NEWS_SITEMAP, "format": "news", "urls": len(news), "sha256": sha}


class _Written:
    """The collection files as the last export wrote them, kept in the build cache: for each path, a digest
    of what made it, its sha256, and its size and time. A file made from the same inputs, and still in
    dist/ as written, is not made again."""

    def __init__(self, dist: Path, cache: Cache):
        self.dist, self.cache = dist, cache
        self.before = cache.collection()
        self.now: dict[str, list] = {}

    def in_place(self, path: str, sha256: str) -> bool:
        """Whether dist/ holds the file as written: the same size and time as recorded (cheap), else the same bytes."""
        old = self.before.get(path)
        return unchanged(str(self.dist / path), sha256, old[2] if old and old[1] == sha256 else None)

    def write(self, paths: list[str], inputs, make: Callable[[], list[Artifact]]) -> list[str]:
        """The sha256 of each of `paths`, which make() makes in this order: called only when its inputs changed
        or a file is not in place."""
        key = digest(inputs if isinstance(inputs, bytes) else _data(inputs))
        old = [self.before.get(path) for path in paths]
        if all(o and o[0] == key and self.in_place(path, o[1]) for o, path in zip(old, paths)):
            shas = [o[1] for o in old]
        else:
            shas = [write(self.dist, artifact) for artifact in make()]
        self.now |= {path: [key, sha, stamp(self.dist / path)] for path, sha in zip(paths, shas, strict=True)}
        return shas

    def write_one(self, path: str, inputs, make: Callable[[], Artifact]) -> str:
        return self.write([path], inputs, lambda: [make()])[0]

    def place(self, artifact: Artifact) -> str:
        """The sha256 of a file already made, whose bytes are its inputs (a theme file); written if not in place."""
        return self.write([artifact.path], artifact.data, lambda: [artifact])[0]

    def keep_all(self) -> None:
        """Keep what the last export recorded of every file: those this one makes are recorded anew."""
        self.now = dict(self.before)

    def save(self) -> None:
        if self.now != self.before:
            self.cache.put_collection(self.now)


def _data(value) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def site_artifacts(site: Site, theme: Theme, dist: Path, fonts: FontCoverage, scripts: set[str],
                   photos: Path) -> list[Artifact]:
    """The theme's static files that pages link (the fonts of the `scripts` they are written in; none only a PDF
    uses), the press room's logo (a raster one cleaned of camera metadata, in `photos`), and the settings files web
    servers and crawlers read."""
    from pipeline.render.photos import logo_file

    unpublished = fonts.unpublished(scripts)
    out = [Artifact("theme/" + name, path.read_bytes()) for name, path in theme.static.items() if name not in unpublished]
    if logo := logo_file(site, photos):
        out.append(Artifact(site_file_path(site, site.logo.src), logo.read_bytes()))
    return out + server_files(dist, site)
