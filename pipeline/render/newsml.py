"""IPTC NewsML-G2 2.35: one newsItem per release, for news agencies' systems."""

from __future__ import annotations

import html
from datetime import datetime

from lxml import etree
from lxml import html as lxml_html

from pipeline.render.artifact import Artifact
from pipeline.render.facts import contacts_of, correction_notes, name_and_role
from pipeline.body.document import Document
from pipeline.labels import long_date
from pipeline.paths import newsml_path, public_url, release_uri
from pipeline.render.wiretext import ap_dateline

G2 = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_41.xml"


def agency_html(doc: Document) -> str:
    """The lead and body as HTML with absolute URLs: what NewsML-G2 and ninjs carry."""
    r = doc.release
    lead = f"<p>{html.escape(r.lead, quote=False)}</p>\n" if r.lead else ""
    return lead + doc.body_html_absolute


def dateline(doc: Document) -> str:
    """'HALMSTAD, Sweden, Nov. 26, 2026' (AP) for English; 'Halmstad, 26 november 2026' otherwise."""
    r, tz = doc.release, doc.site.timezone
    if r.lang.split("-")[0] == "en":
        return ap_dateline(r.place, r.date, tz).removesuffix(" --")
    return ", ".join(x for x in (r.place, long_date(r.date, r.lang, tz)) if x)


def render_newsml(doc: Document, wire_text: str, now: datetime) -> Artifact:
    r, site = doc.release, doc.site
    item = _el(None, "newsItem", {
        "guid": release_uri(site, r.id), "version": str(r.version), "standard": "NewsML-G2",
        "standardversion": "2.35", "conformance": "power", XML_LANG: r.lang,
    })
    _el(item, "catalogRef", {"href": CATALOG})
    meta = _el(item, "itemMeta")
    _el(meta, "itemClass", {"qcode": "ninat:text"})
    _el(meta, "provider", {"literal": site.name})
    _el(meta, "versionCreated", text=(r.updated or r.public_time).isoformat())
    _el(meta, "firstCreated", text=r.public_time.isoformat())
    if r.embargo and r.embargo > now:
        _el(meta, "embargoed", text=r.embargo.isoformat())
    _el(meta, "pubStatus", {"qcode": "stat:usable"})
    if notes := correction_notes(doc):
        _el(meta, "edNote", text=" ".join(f"{c.date}: {c.text}" for c in notes))
    _el(meta, "link", {"rel": "irel:seeAlso", "href": public_url(site, r), "contenttype": "text/html"})
    content = _el(item, "contentMeta")
    _el(content, "contentCreated", text=r.date.isoformat())
    if r.place:
        located = _el(content, "located", {"type": "loctype:city"})
        _el(located, "name", text=r.place)
    _el(content, "creator", {"literal": site.name})
    for person in contacts_of(doc):
        contact = _el(content, "infoSource", {"role": "infosrc:source", "literal": person.name})
        _el(contact, "name", text=name_and_role(person))
    _el(content, "language", {"tag": r.lang})
    for topic in r.topics:
        subject = _el(content, "subject", {"type": "cpnat:abstract", "literal": topic})
        _el(subject, "name", text=topic)
    _el(content, "slugline", text=r.slug)
    _el(content, "headline", text=r.title)
    _el(content, "dateline", text=dateline(doc))
    if r.lead:
        _el(content, "description", {"role": "drol:summary"}, text=r.lead)
    content_set = _el(item, "contentSet")
    inline_xml = _el(content_set, "inlineXML", {"contenttype": "application/xhtml+xml"})
    inline_xml.append(_xhtml(doc))
    _el(content_set, "inlineData", {"contenttype": "text/plain"}, text=wire_text)
    data = etree.tostring(item, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return Artifact(newsml_path(r), data, "newsml")


def _el(parent, name: str, attributes: dict | None = None, text: str | None = None):
    tag = f"{{{G2}}}{name}"
    element = etree.Element(tag, nsmap={None: G2}) if parent is None else etree.SubElement(parent, tag)
    for key, value in (attributes or {}).items():
        element.set(key, value)
    if text is not None:
        element.text = text
    return element


def _xhtml(doc: Document):
    """The lead and body as an XHTML document (pandoc writes HTML5; agencies' XML tools want XHTML)."""
    r = doc.release
    page = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML})
    page.set(XML_LANG, r.lang)
    head = etree.SubElement(page, f"{{{XHTML}}}head")
    etree.SubElement(head, f"{{{XHTML}}}title").text = r.title
    body = etree.SubElement(page, f"{{{XHTML}}}body")
    fragment = agency_html(doc)
    for element in lxml_html.fragments_fromstring(fragment) if fragment.strip() else []:
        if isinstance(element, str):
            body.text = (body.text or "") + element
        else:
            body.append(_namespaced(element))
    return page


def _namespaced(element):
    """A copy of an HTML element tree with every tag in the XHTML namespace."""
    copy = etree.Element(f"{{{XHTML}}}{element.tag}", {k: v for k, v in element.attrib.items()})
    copy.text = element.text
    for child in element:
        if isinstance(child.tag, str):
            copy.append(_namespaced(child))
        elif len(copy):  # a comment: keep the text after it
            copy[-1].tail = (copy[-1].tail or "") + (child.tail or "")
        else:
            copy.text = (copy.text or "") + (child.tail or "")
    copy.tail = element.tail
    return copy
