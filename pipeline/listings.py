"""The press room's listing pages: the index, one per topic and region, one per language.

Listings are made from manifest entries, so a release kept from an earlier build
is listed like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import jinja2
from babel import Locale

from pipeline.artifact import Artifact
from pipeline.labels import babel_locale, labels, long_date
from pipeline.load import slugify
from pipeline.model import Site
from pipeline.pages import chrome
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
        for slug in sorted(groups):
            name = names[slug]
            folder = listing_folder(site, scope, name)
            out.append(Listing(scope, name, name, folder, l[title].format(name=name), tuple(groups[slug])))
    langs = sorted({e["lang"] for e in entries})
    if len(langs) > 1:
        for lang in langs:
            name = language_name(lang)
            folder = listing_folder(site, "lang", lang)
            entries_in = tuple(e for e in entries if e["lang"] == lang)
            out.append(Listing("lang", lang, name, folder, f"{l['releases']} – {name}", entries_in))
    return out


def render_listing(listing: Listing, everything: list[Listing], site: Site, env: jinja2.Environment) -> list[Artifact]:
    """The listing's pages: page 1 at its folder, page N at <folder>/<sida>/N/."""
    l = labels(site.lang)
    count = max(1, -(-len(listing.entries) // PAGE_SIZE))
    paths = [f"{listing.folder}index.html"] + [f"{listing.folder}{l['page_path']}/{n}/index.html" for n in range(2, count + 1)]
    artifacts = []
    for number, path in enumerate(paths, 1):
        frame = chrome(site, path, site.lang)
        root = frame["root"]
        shown = listing.entries[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        context = {
            **frame,
            "listing": listing,
            "heading": listing.title,
            "title": listing.title if number == 1 else f"{listing.title} – {l['page_n'].format(n=number)}",
            "canonical": site.url + path.removesuffix("index.html"),
            "feeds": {name.split(".")[1]: listing.folder + name for name in ("feed.atom", "feed.rss", "feed.json")}
            | {"title": listing.title},
            "items": [_item(e, root, site) for e in shown],
            "pages": [
                {"number": n, "href": root + p, "current": n == number} for n, p in enumerate(paths, 1)
            ] if count > 1 else [],
            "newer": root + paths[number - 2] if number > 1 else None,
            "older": root + paths[number] if number < count else None,
            "browse": _browse(everything, root, site.lang) if listing.scope == "site" and number == 1 else [],
            "home": None if listing.scope == "site" else root + "index.html",
        }
        html = env.get_template("listing.html").render(context)
        artifacts.append(Artifact(path, html.encode("utf-8"), "html"))
    return artifacts


def _item(entry: dict, root: str, site: Site) -> dict:
    return {
        "title": entry["title"], "href": root + entry["outputs"]["html"]["path"], "lang": entry["lang"],
        "type_label": entry.get("type") or labels(entry["lang"])["type"], "lead": entry.get("lead"),
        "date_iso": entry["date"],
        "date_text": long_date(datetime.fromisoformat(entry["date"]), entry["lang"], site.timezone),
    }


def _browse(everything: list[Listing], root: str, site_lang: str) -> list[dict]:
    """On the front page: the topic, region and language pages, so every listing can be reached."""
    groups = []
    for scope, key in (("topic", "topics"), ("region", "regions"), ("lang", "languages")):
        links = [
            {"name": x.name, "href": root + x.folder + "index.html", "count": len(x.entries),
             "lang": x.key if scope == "lang" and x.key != site_lang else None}
            for x in everything if x.scope == scope
        ]
        if links:
            groups.append({"key": key, "links": links})
    return groups
