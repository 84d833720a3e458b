"""The press room's listing pages: the index, one per topic and region, one per language.

Listings are made from manifest entries, so a release kept from an earlier build
is listed like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

import jinja2
from babel import Locale

from pipeline.render.artifact import Artifact
from pipeline.labels import babel_locale, collation_key, labels, long_date
from pipeline.source.load import slugify
from pipeline.source.model import Site
from pipeline.render.fonts import FontCoverage
from pipeline.render.pages import chrome, render_with_fonts
from pipeline.paths import listing_folder

PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class Listing:
    scope: str  # "site", "topic", "region" or "lang"
    key: str | None  # the topic, region or language tag
    name: str  # how links to it read: "Stadsutveckling", "English"
    folder: str  # under dist/, "" or ending in "/"
    title: str
    entries: tuple[dict, ...]  # manifest entries, newest first


def language_name(tag: str) -> str:
    """The language's own name for itself ('English', 'Svenska'): what its readers look for."""
    name = Locale.parse(babel_locale(tag)).get_display_name(babel_locale(tag)) or tag
    return name[:1].upper() + name[1:]


def listings(entries: list[dict], site: Site) -> list[Listing]:
    """Every listing the press room has: the whole room, then topics, regions and languages that have releases."""
    l = labels(site.lang)
    out = [Listing("site", None, site.title, "", site.title, tuple(entries))]
    for scope, field, title in (("topic", "topics", "listing_topic"), ("region", "regions", "listing_region")):
        groups: dict[str, list[dict]] = {}
        names: dict[str, str] = {}
        for entry in entries:
            for name in entry.get(field) or []:
                slug = slugify(name) or "x"
                names.setdefault(slug, name)  # "Skola" and "skola" share one page
                groups.setdefault(slug, []).append(entry)
        for slug in sorted(groups, key=lambda slug: collation_key(names[slug], site.lang)):  # as the press room's language sorts
            name = names[slug]
            folder = listing_folder(site, scope, name)
            out.append(Listing(scope, name, name, folder, l[title].format(name=name), tuple(groups[slug])))
    langs = sorted({e["lang"] for e in entries}, key=lambda tag: (collation_key(language_name(tag), site.lang), tag))
    if len(langs) > 1:
        for lang in langs:
            name = language_name(lang)
            folder = listing_folder(site, "lang", lang)
            entries_in = tuple(e for e in entries if e["lang"] == lang)
            out.append(Listing("lang", lang, name, folder, f"{l['releases']} – {name}", entries_in))
    return out


@dataclass(frozen=True, slots=True)
class ListingPage:
    listing: Listing
    number: int  # from 1
    paths: tuple[str, ...]  # every page of the listing, under dist/
    browse: tuple[tuple, ...]  # on the front page: (scope, name, folder, count, key) of every other listing

    @property
    def path(self) -> str:
        return self.paths[self.number - 1]

    @property
    def shown(self) -> tuple[dict, ...]:
        return self.listing.entries[(self.number - 1) * PAGE_SIZE : self.number * PAGE_SIZE]

    def inputs(self, mark: Callable[[dict], str]) -> list:
        """Everything the page shows, as data (an entry by its `mark`): the page is made again only when this changes."""
        l = self.listing
        return [l.scope, l.key, l.name, l.folder, l.title, self.number, self.paths, self.browse, [mark(e) for e in self.shown]]


def listing_pages(listing: Listing, everything: list[Listing], site: Site) -> list[ListingPage]:
    """The listing's pages: page 1 at its folder, page N at <folder>/<sida>/N/."""
    count = max(1, -(-len(listing.entries) // PAGE_SIZE))
    paths = (f"{listing.folder}index.html",) + tuple(
        f"{listing.folder}{labels(site.lang)['page_path']}/{n}/index.html" for n in range(2, count + 1)
    )
    browse = tuple((x.scope, x.name, x.folder, len(x.entries), x.key) for x in everything if x.scope != "site")
    return [ListingPage(listing, n, paths, browse if listing.scope == "site" and n == 1 else ()) for n in range(1, count + 1)]


def render_listing_page(page: ListingPage, site: Site, env: jinja2.Environment, fonts: FontCoverage | None = None) -> Artifact:
    l, listing, number, paths = labels(site.lang), page.listing, page.number, page.paths
    frame = chrome(site, page.path, site.lang)
    root = frame["root"]
    context = {
        **frame,
        "listing": listing,
        "heading": listing.title,
        # str(): a title in English for want of a label is marked on the page, but <title> and attributes hold text only.
        "title": str(listing.title) if number == 1 else f"{listing.title} – {l['page_n'].format(n=number)}",
        "canonical": site.url + page.path.removesuffix("index.html"),
        "feeds": {name.split(".")[1]: listing.folder + name for name in ("feed.atom", "feed.rss", "feed.json")}
        | {"title": str(listing.title)},
        "items": [_item(e, root, site) for e in page.shown],
        "pages": [
            {"number": n, "href": root + p, "current": n == number} for n, p in enumerate(paths, 1)
        ] if len(paths) > 1 else [],
        "newer": root + paths[number - 2] if number > 1 else None,
        "older": root + paths[number] if number < len(paths) else None,
        "browse": _browse(page.browse, root, site.lang),
        "home": None if listing.scope == "site" else root + "index.html",
    }
    html = render_with_fonts(env.get_template("listing.html"), context, fonts)
    return Artifact(page.path, html.encode("utf-8"), "html")


def _item(entry: dict, root: str, site: Site) -> dict:
    return {
        "title": entry["title"], "href": root + entry["outputs"]["html"]["path"], "lang": entry["lang"],
        "type_label": entry.get("type") or labels(entry["lang"])["type"], "lead": entry.get("lead"),
        "date_iso": entry["date"],
        "date_text": long_date(datetime.fromisoformat(entry["date"]), entry["lang"], site.timezone),
        "image": _thumbnail(entry, root),
    }


def _thumbnail(entry: dict, root: str) -> dict | None:
    """The key image beside a release in a listing, as the picture macro takes it: its narrowest rendition, and the
    others for screens that need more pixels; an image without renditions (an SVG) as it is."""
    image = entry.get("image")
    if not image:
        return None
    renditions = image.get("renditions") or []
    fallback = [r for r in renditions if r["type"] != "image/webp"]
    shown = fallback[0] if fallback else image

    def srcset(kind: str) -> str:
        return ", ".join(f"{root}{quote(r['path'])} {r['width']}w" for r in renditions if r["type"] == kind)

    return {"src": root + quote(shown["path"]), "webp": srcset("image/webp"), "srcset": srcset(shown["type"]) if fallback else "",
            "width": shown.get("width"), "height": shown.get("height"), "printable": False}


def _browse(browse: tuple[tuple, ...], root: str, site_lang: str) -> list[dict]:
    """On the front page: the topic, region and language pages, so every listing can be reached."""
    groups = []
    for scope, key in (("topic", "topics"), ("region", "regions"), ("lang", "languages")):
        links = [
            {"name": name, "href": root + folder + "index.html", "count": count,
             "lang": tag if scope == "lang" and tag != site_lang else None}
            for kind, name, folder, count, tag in browse if kind == scope
        ]
        if links:
            groups.append({"key": key, "links": links})
    return groups
