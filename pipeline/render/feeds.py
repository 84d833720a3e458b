"""Feeds of every listing: RSS 2.0 and Atom 1.0 through feedgen, JSON Feed 1.1 written here.

feedgen's pitfalls are handled in this module only: entries appended in our
order, the self link added before the alternate link (RSS takes the last one
as the channel link), every date from the releases (never now()), summary and
content kept apart, and the link attributes feedgen 1.0 drops from Atom entries
put back. feedgen has no JSON Feed writer, so that format is written here.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime

import orjson
from feedgen.feed import FeedGenerator
from lxml import etree
from markupsafe import escape

from pipeline import __version__
from pipeline.render.artifact import Artifact
from pipeline.render.facts import contacts_of, correction_notes, name_and_role, ways_to_reach
from pipeline.body.document import Document
from pipeline.labels import direction, labels
from pipeline.source.model import Site
from pipeline.render.pages import size_text, with_renditions
from pipeline.paths import file_href, release_uri

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
JSON_FEED = "https://jsonfeed.org/version/1.1"
FORMATS = (("atom", "feed.atom"), ("rss", "feed.rss"), ("json", "feed.json"))
def feed_item(entry: dict, doc: Document | None) -> dict:
    """What feeds say of one release (plain JSON data, kept in the build cache).

    A release that failed this time has no Document: it stays in the feeds with
    its last published title and lead, so a typo never drops an item.
    """
    pdf = entry["outputs"].get("pdf")
    item = {
        "id": entry["id"], "title": entry["title"], "url": entry["url"], "lang": entry["lang"],
        "published": entry.get("public") or entry["date"],
        "updated": entry.get("updated") or entry.get("public") or entry["date"],
        "lead": entry.get("lead"), "categories": (entry.get("topics") or []) + (entry.get("regions") or []),
        "pdf": {"url": entry["url"] + pdf["path"].rsplit("/", 1)[-1], "bytes": pdf.get("bytes"), "pages": pdf.get("pages")}
        if pdf else None,
        "image": _enclosure(entry), "contacts": [],
        "content": f"<p>{html.escape(entry.get('lead') or entry['title'])}</p>",
    }
    if doc is None:
        return item
    item["contacts"] = [{"name": c.name, "email": c.email} for c in contacts_of(doc)]  # a feed's contributor: no phone
    item["content"] = _content(doc, item)
    return item


FEED_IMAGE_WIDTH = 1280  # what a reader's column shows sharply on any screen, and downloads quickly


def _enclosure(entry: dict) -> dict | None:
    """The key image as feeds give it: its rendition 1280 px wide (JPEG or PNG), not the original, which may be 20 MB."""
    image = entry.get("image")
    if not image:
        return None
    fitting = [r for r in image.get("renditions", []) if r["type"] != "image/webp" and r["width"] <= FEED_IMAGE_WIDTH]
    chosen = fitting[-1] if fitting else image
    url = entry["url"] + file_href(chosen["path"].rsplit("/", 1)[-1])
    return {"url": url, "alt": image["alt"], "length": chosen["bytes"], "type": chosen["type"]}


def _content(doc: Document, item: dict) -> str:
    """Full content for readers: corrections, lead, key image, body, contacts, PDF; absolute URLs only."""
    r, l = doc.release, labels(doc.release.lang)
    parts = [f"<p><strong>{c.label} {c.date}:</strong> {html.escape(c.text)}</p>" for c in correction_notes(doc)]
    if r.lead:
        parts.append(f"<p><strong>{html.escape(r.lead)}</strong></p>")
    if item["image"]:
        caption = " ".join(x for x in (r.image.caption, r.image.credit) if x)
        parts.append(
            f'<figure><img src="{html.escape(item["image"]["url"])}" alt="{html.escape(r.image.alt)}">'
            + (f"<figcaption>{html.escape(caption)}</figcaption>" if caption else "") + "</figure>"
        )
    parts.append(with_renditions(doc.body_html_absolute, doc.photos, base=item["url"]))
    if contacts := contacts_of(doc):
        people = "".join(
            "<li>" + html.escape(", ".join([name_and_role(c), *(value for _, value in ways_to_reach(c))])) + "</li>"
            for c in contacts
        )
        parts.append(f"<h2>{escape(l['contacts'])}</h2><ul>{people}</ul>")  # an English label is marked so
    pdf = item["pdf"]
    if pdf and pdf["pages"]:
        unit = l["page_one"] if pdf["pages"] == 1 else l["pages"]
        text = l["pdf_link"].format(pages=pdf["pages"], unit=unit, size=size_text(pdf["bytes"], r.lang))
        parts.append(f'<p><a href="{html.escape(pdf["url"])}">{escape(text)}</a></p>')
    if direction(r.lang) == "rtl":  # a reader shows the feed's entries left to right unless told
        return '<div dir="rtl">\n' + "\n".join(parts) + "\n</div>"
    return "\n".join(parts)


def render_feeds(
    entries: tuple[dict, ...], item_of: Callable[[dict], dict], site: Site, folder: str, title: str
) -> list[Artifact]:
    """Atom, RSS and JSON Feed of one listing's newest entries; a feed's time is its newest entry's, never the build time."""
    chosen = [item_of(e) for e in entries[: site.feed_size]]
    listing_url = site.url + folder
    out = []
    for fmt, name in FORMATS:
        writer = _json_feed if fmt == "json" else _xml_feed
        out.append(Artifact(folder + name, writer(chosen, site, fmt, site.url + folder + name, title, listing_url), fmt))
    return out


def _xml_feed(items: list[dict], site: Site, fmt: str, self_url: str, title: str, listing_url: str) -> bytes:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)  # dc:creator names the organisation in RSS
    fg.id(listing_url)
    fg.title(title)
    fg.subtitle(site.description or site.title)
    fg.author({"name": site.name, "uri": site.url})
    fg.link(href=self_url, rel="self", type="application/atom+xml" if fmt == "atom" else "application/rss+xml")
    fg.link(href=listing_url, rel="alternate", type="text/html")
    fg.language(site.lang)
    fg.generator("press-pipeline", version=__version__, uri=None)
    fg.docs(None)
    newest = max((datetime.fromisoformat(i["updated"]) for i in items), default=None)
    if newest:
        fg.updated(newest)
        fg.lastBuildDate(newest)
    entry_links = []
    for item in items:
        fe = fg.add_entry(order="append")
        fe.id(release_uri(site, item["id"]))
        fe.title(item["title"])
        links = [{"href": item["url"], "rel": "alternate", "type": "text/html"}]
        if item["pdf"]:
            links.append({"href": item["pdf"]["url"], "rel": "related", "type": "application/pdf", "title": "PDF"})
        if item["image"]:
            image = item["image"]
            links.append({"href": image["url"], "rel": "enclosure", "type": image["type"], "length": str(image["length"])})
        entry_links.append(links)
        for link in links:
            fe.link(**link)
        fe.published(datetime.fromisoformat(item["published"]))
        fe.updated(datetime.fromisoformat(item["updated"]))
        fe.author({"name": site.name, "uri": site.url})
        for person in item["contacts"]:
            fe.contributor({k: v for k, v in person.items() if v})
        fe.dc.dc_creator(site.name)
        if item["lead"]:
            # Readers show an RSS description as HTML: the lead, plain text, is escaped as HTML for both formats.
            fe.summary(html.escape(item["lead"]), type="html")
        fe.content(item["content"], type="html")
        for term in item["categories"]:
            fe.category(term=term, label=term)
    if fmt == "rss":
        return fg.rss_str(pretty=True)
    return _finish_atom(fg.atom_str(pretty=True), entry_links, [i["lang"] for i in items])


def _finish_atom(atom: bytes, entry_links: list[list[dict]], langs: list[str]) -> bytes:
    """Put back what feedgen 1.0 drops from Atom entries: link rel/type/length/title, and each entry's language."""
    root = etree.fromstring(atom)
    for entry, links, lang in zip(root.iter(ATOM + "entry"), entry_links, langs, strict=True):
        entry.set(XML_LANG, lang)
        for element, link in zip(entry.iter(ATOM + "link"), links, strict=True):
            for key, value in link.items():
                element.set(key, value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _json_feed(items: list[dict], site: Site, fmt: str, self_url: str, title: str, listing_url: str) -> bytes:
    organisation = {"name": site.name, "url": site.url}
    feed = {
        "version": JSON_FEED,
        "title": title,
        "home_page_url": listing_url,
        "feed_url": self_url,
        "description": site.description or site.title,
        "language": site.lang,
        "authors": [organisation],
        "items": [_json_item(item, site, organisation) for item in items],
    }
    return orjson.dumps(feed, option=orjson.OPT_INDENT_2) + b"\n"  # the bytes json.dumps(indent=2) makes, faster


def _json_item(item: dict, site: Site, organisation: dict) -> dict:
    out = {
        "id": release_uri(site, item["id"]),
        "url": item["url"],
        "title": item["title"],
        "content_html": item["content"],
        "summary": item["lead"],
        "image": item["image"]["url"] if item["image"] else None,
        "date_published": item["published"],
        "date_modified": item["updated"],
        "authors": [organisation],
        "tags": item["categories"] or None,
        "language": item["lang"],
        "attachments": [
            {"url": item["pdf"]["url"], "mime_type": "application/pdf", "title": "PDF", "size_in_bytes": item["pdf"]["bytes"]}
        ] if item["pdf"] and item["pdf"]["bytes"] else None,
    }
    return {k: v for k, v in out.items() if v is not None}
