"""IPTC ninjs 3.1 (news in JSON): one document per release, for agencies' JSON pipelines."""

from __future__ import annotations

import json
from datetime import datetime

from pipeline.render.artifact import Artifact
from pipeline.render.facts import contacts_of, ways_to_reach
from pipeline.body.document import Document
from pipeline.render.newsml import agency_html
from pipeline.paths import ninjs_path, pdf_name, public_url, release_uri

SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"


def render_ninjs(doc: Document, wire_text: str, now: datetime) -> Artifact:
    r, site = doc.release, doc.site
    url = public_url(site, r)
    html = agency_html(doc)
    item = {
        "uri": release_uri(site, r.id),
        "standard": {"name": "ninjs", "version": "3.1", "schema": SCHEMA},
        "type": "text",
        "version": str(r.version),
        "firstCreated": r.public_time.isoformat(),
        "versionCreated": (r.updated or r.public_time).isoformat(),
        "contentCreated": r.date.isoformat(),
        "embargoedUntil": r.embargo.isoformat() if r.embargo and r.embargo > now else None,
        "pubStatus": "usable",
        "language": r.lang,
        "slugline": r.slug,
        "located": r.place,
        "by": site.name,
        "headlines": [{"role": "main", "value": r.title}],
        "descriptions": [{"role": "summary", "contentType": "text/plain", "value": r.lead}] if r.lead else None,
        "bodies": [
            {"role": "main", "contentType": "text/plain", "charCount": len(wire_text), "wordCount": len(wire_text.split()),
             "value": wire_text},
            {"role": "main", "contentType": "text/html", "value": html},
        ],
        "subjects": [{"name": t, "rel": "about", "literal": t} for t in r.topics] or None,
        "places": [{"name": region, "rel": "about", "literal": region} for region in r.regions] or None,
        "people": [
            {
                "name": c.name,
                "rel": "contact",
                "contactInfo": [{"type": kind, "value": value} for kind, value in ways_to_reach(c)],
            }
            for c in contacts_of(doc)
        ] or None,
        "organisations": [{"name": site.name, "rel": "provider", "uri": site.url}],
        "renditions": [
            {"name": "html", "href": url, "contentType": "text/html"},
            {"name": "pdf", "href": url + pdf_name(r), "contentType": "application/pdf"},
        ],
    }
    data = json.dumps(_pruned(item), ensure_ascii=False, indent=2) + "\n"
    return Artifact(ninjs_path(r), data.encode("utf-8"), "ninjs")


def _pruned(value):
    """ninjs rejects nulls and empty lists where it expects values: leave such keys out."""
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v not in (None, [], "")}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value
