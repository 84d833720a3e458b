"""HTML pages (Jinja templates of the theme): one page per release and the press-room index."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import jinja2
from babel.numbers import format_decimal
from markupsafe import Markup
from PIL import Image as PILImage

from pipeline import __version__
from pipeline.artifact import Artifact
from pipeline.document import Document
from pipeline.labels import babel_locale, labels, long_date
from pipeline.model import Release, Site

GENERATOR = f"press-pipeline {__version__}"


def tel_href(phone: str) -> str:
    """'035-13 73 50' -> 'tel:035137350'; a leading '+' is kept."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "tel:" + ("+" if phone.strip().startswith("+") else "") + digits


def make_environment(env: jinja2.Environment) -> jinja2.Environment:
    env.filters["tel"] = tel_href
    return env


def page_path(release: Release) -> str:
    return f"{release.folder}/index.html"


def pdf_name(release: Release) -> str:
    return f"{release.slug}.pdf"


def public_url(site: Site, release: Release) -> str:
    return f"{site.url}{release.folder}/"


def type_label(release: Release) -> str:
    return release.type or labels(release.lang)["type"]


def _logo(site: Site) -> dict | None:
    if not site.logo:
        return None
    return {"path": site_file_path(site, site.logo.src), "alt": site.logo.alt}


def site_file_path(site: Site, path: Path) -> str:
    """Files of the press room (the logo) keep their place under the sources folder."""
    return path.relative_to(site.root.resolve()).as_posix()


def _size_text(size: int, lang: str) -> str:
    if size < 1000 * 1000:
        return f"{format_decimal(max(1, round(size / 1000)), locale=babel_locale(lang))} kB"
    return f"{format_decimal(round(size / 1e6, 1), locale=babel_locale(lang))} MB"


def release_context(doc: Document) -> dict:
    r, site = doc.release, doc.site
    l = labels(r.lang)
    tz = site.timezone
    page = l["page"]
    before, rest = page.split("{page}", 1)
    middle, after = rest.split("{pages}", 1)
    image = None
    if r.image:
        with PILImage.open(r.image.src) as im:
            width, height = im.size
        image = {
            "name": r.image.src.name, "alt": r.image.alt, "caption": r.image.caption,
            "credit": r.image.credit, "width": width, "height": height,
        }
    boilerplate = site.boilerplate_for(r.lang) if r.boilerplate else None
    return {
        "lang": r.lang, "l": l, "site": site, "r": r, "root": "../../", "logo": _logo(site),
        "generator": GENERATOR, "url": public_url(site, r), "type_label": type_label(r),
        "date_iso": r.date.isoformat(), "date_text": long_date(r.date, r.lang, tz),
        "updated_iso": r.updated.isoformat() if r.updated else None,
        "updated_text": long_date(r.updated, r.lang, tz) if r.updated else None,
        "corrections": [
            {"iso": c.date.isoformat(), "text_date": long_date(c.date, r.lang, tz), "text": c.text}
            for c in r.corrections
        ],
        "image": image,
        "body_html": Markup(doc.body_html),
        "attachments": [
            {"name": a.src.name, "title": a.title, "kind": a.src.suffix.lstrip(".").upper() or "file",
             "size": _size_text(a.src.stat().st_size, r.lang)}
            for a in r.attachments
        ],
        "pdf_name": pdf_name(r),
        "boilerplate": {
            "title": boilerplate.title,
            "paragraphs": [p for p in boilerplate.text.split("\n") if p.strip()],
        } if boilerplate else None,
        "about": l["about"].format(name=site.name),
        "page_label_before": _css_string(before), "page_label_middle": _css_string(middle),
        "page_label_after": _css_string(after),
    }


def _css_string(text: str) -> Markup:
    return Markup(text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c "))


def render_release_page(doc: Document, env: jinja2.Environment) -> Artifact:
    html = env.get_template("release.html").render(release_context(doc))
    return Artifact(page_path(doc.release), html.encode("utf-8"), "html")


def render_index(entries: list[dict], site: Site, env: jinja2.Environment) -> Artifact:
    """The press room's front page from the manifest entries, newest first."""
    l = labels(site.lang)
    items = [
        {
            "title": e["title"], "href": e["outputs"]["html"]["path"], "lang": e["lang"],
            "type_label": e.get("type") or labels(e["lang"])["type"], "lead": e.get("lead"),
            "date_iso": e["date"],
            "date_text": long_date(datetime.fromisoformat(e["date"]), e["lang"], site.timezone),
        }
        for e in entries
    ]
    html = env.get_template("index.html").render(
        lang=site.lang, l=l, site=site, root="", logo=_logo(site), generator=GENERATOR, items=items,
    )
    return Artifact("index.html", html.encode("utf-8"), "html")
