"""The only module that uses feedgen: RSS 2.0 and Atom 1.0 feeds of the press room.

feedgen's pitfalls are handled here: entries appended in our order, the self link
added before the alternate link (RSS takes the last one as channel link), all
dates from the releases (never now()), summary and content kept apart.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import datetime
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from lxml import etree

from pipeline import __version__
from pipeline.artifact import Artifact
from pipeline.document import Document
from pipeline.labels import labels, long_date
from pipeline.model import Site
from pipeline.paths import pdf_name, public_url

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_SIZE = 50  # newest entries per feed
_RELATIVE = re.compile(r'\b(src|href)="(?![A-Za-z][A-Za-z0-9+.-]*:|#|/)([^"]*)"')


def entry_id(site: Site, release_id: str) -> str:
    """Derived only from the press room's host and the release id: a new title or file name never makes a duplicate."""
    host = urlsplit(site.url).netloc
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://{host}/releases/{release_id}"))


def absolute(body_html: str, base: str) -> str:
    return _RELATIVE.sub(lambda m: f'{m[1]}="{base}{m[2]}"', body_html)


def entry_content(doc: Document) -> str:
    """Full content for readers: corrections, lead, key image, body and contacts, with absolute URLs."""
    r, l = doc.release, labels(doc.release.lang)
    base = public_url(doc.site, r)
    tz = doc.site.timezone
    parts = [
        f"<p><strong>{l['updated']} {long_date(c.date, r.lang, tz)}:</strong> {html.escape(c.text)}</p>" for c in r.corrections
    ]
    if r.lead:
        parts.append(f"<p><strong>{html.escape(r.lead)}</strong></p>")
    if r.image:
        caption = " ".join(x for x in (r.image.caption, r.image.credit) if x)
        parts.append(
            f'<figure><img src="{html.escape(base + r.image.src.name)}" alt="{html.escape(r.image.alt)}">'
            + (f"<figcaption>{html.escape(caption)}</figcaption>" if caption else "") + "</figure>"
        )
    parts.append(absolute(doc.body_html, base))
    if r.contacts:
        people = "".join(
            "<li>" + html.escape(", ".join(x for x in (c.name, c.role, c.phone, c.email) if x)) + "</li>" for c in r.contacts
        )
        parts.append(f"<h2>{html.escape(l['contacts'])}</h2><ul>{people}</ul>")
    return "\n".join(parts)


def feed_items(docs: list[Document], kept: list[dict]) -> dict[str, dict]:
    """Every entry a feed can hold, by release id.

    `kept` are manifest entries of releases that failed this time: they stay in the
    feeds with their last published title and lead, so a typo never drops an item.
    """
    items = [_item(doc) for doc in docs] + [_kept_item(entry) for entry in kept]
    return {item["id"]: item for item in items}


def render_feeds(entries: tuple[dict, ...], items: dict[str, dict], site: Site, folder: str, title: str) -> list[Artifact]:
    """RSS and Atom for one listing, newest first; a feed's time is its newest entry's, never the build time."""
    chosen = [items[e["id"]] for e in entries if e["id"] in items][:FEED_SIZE]
    return [
        _feed(chosen, site, "atom", f"{folder}feed.atom", title, site.url + folder),
        _feed(chosen, site, "rss", f"{folder}feed.rss", title, site.url + folder),
    ]


def _item(doc: Document) -> dict:
    r = doc.release
    url = public_url(doc.site, r)
    return {
        "id": r.id, "title": r.title, "url": url, "pdf": url + pdf_name(r), "date": r.date,
        "updated": r.updated or r.date, "lead": r.lead, "content": entry_content(doc),
        "categories": r.topics + r.regions,
    }


def _kept_item(entry: dict) -> dict:
    date = datetime.fromisoformat(entry["date"])
    pdf = entry["outputs"].get("pdf", {}).get("path", "")
    return {
        "id": entry["id"], "title": entry["title"], "url": entry["url"],
        "pdf": entry["url"] + pdf.rsplit("/", 1)[-1] if pdf else None, "date": date,
        "updated": datetime.fromisoformat(entry["updated"]) if entry.get("updated") else date,
        "lead": entry.get("lead"), "content": f"<p>{html.escape(entry.get('lead') or entry['title'])}</p>",
        "categories": (),
    }


def _feed(items: list[dict], site: Site, fmt: str, path: str, title: str, listing_url: str) -> Artifact:
    fg = FeedGenerator()
    fg.id(listing_url)
    fg.title(title)
    fg.subtitle(site.description or site.title)
    fg.author({"name": site.name})
    fg.link(href=site.url + path, rel="self", type="application/atom+xml" if fmt == "atom" else "application/rss+xml")
    fg.link(href=listing_url, rel="alternate", type="text/html")
    fg.language(site.lang)
    fg.generator("press-pipeline", version=__version__)
    fg.docs(None)
    newest = max((i["updated"] for i in items), default=None)
    if newest:
        fg.updated(newest)
        fg.lastBuildDate(newest)
    entry_links = []
    for item in items:
        fe = fg.add_entry(order="append")
        fe.id(entry_id(site, item["id"]))
        fe.title(item["title"])
        links = [{"href": item["url"], "rel": "alternate", "type": "text/html"}]
        if item["pdf"]:
            links.append({"href": item["pdf"], "rel": "related", "type": "application/pdf", "title": "PDF"})
        entry_links.append(links)
        for link in links:
            fe.link(**link)
        fe.published(item["date"])
        fe.updated(item["updated"])
        fe.author({"name": site.name})
        if item["lead"]:
            fe.summary(item["lead"])
        fe.content(item["content"], type="html")
        for term in item["categories"]:
            fe.category(term=term, label=term)
    data = _with_link_attributes(fg.atom_str(pretty=True), entry_links) if fmt == "atom" else fg.rss_str(pretty=True)
    return Artifact(path, data, fmt)


def _with_link_attributes(atom: bytes, entry_links: list[list[dict]]) -> bytes:
    """feedgen 1.0 drops rel/type/title of Atom entry links (a related PDF would read as a second alternate)."""
    root = etree.fromstring(atom)
    for entry, links in zip(root.iter(ATOM + "entry"), entry_links, strict=True):
        for element, link in zip(entry.iter(ATOM + "link"), links, strict=True):
            for key, value in link.items():
                element.set(key, value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
