"""HTML pages of a release (Jinja templates of the theme), and what the templates are given."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
import langcodes
from babel.numbers import format_decimal
from markupsafe import Markup

from pipeline import __version__
from pipeline.render.artifact import Artifact
from pipeline.render.facts import correction_notes
from pipeline.render.fonts import FontCoverage, with_scripts
from pipeline.body.document import Document
from pipeline.labels import English, babel_locale, direction, labels, long_date, weekday_date_time
from pipeline.source.model import Release, Site
from pipeline.render.photos import Photo, license_link
from pipeline.render.printjob import DECORATIVE
from pipeline.render.statement import another_format_href, statement_path
from pipeline.render.theme import SCREEN_STYLESHEETS
from pipeline.paths import file_href, listing_folder, page_path, public_url, root_of, site_file_path
from pipeline.problems import Problem

GENERATOR = f"press-pipeline {__version__}"


@dataclass(frozen=True, slots=True)
class Downloads:
    """The release's files for download, linked under it: the PDF and what news agencies take."""

    pdf_pages: int
    files: tuple[Artifact, ...]  # the PDF, wire text, NewsML-G2 and ninjs, with their bytes


DOWNLOAD_TYPES = {  # kind -> (media type, what the link calls the format)
    "pdf": ("application/pdf", None),
    "txt": ("text/plain", "TXT"),
    "newsml": ("application/vnd.iptc.g2.newsitem+xml", "XML"),
    "ninjs": ("application/json", "JSON"),
}


def tel_href(phone: str) -> str:
    """'035-13 73 50' -> 'tel:035137350'; a leading '+' is kept."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "tel:" + ("+" if phone.strip().startswith("+") else "") + digits


def lang_attributes(lang: str | None, page_lang: str) -> Markup:
    """' lang="ar" dir="rtl"' for a text in another language than its page's (its direction when that differs too);
    nothing for a text in the page's own."""
    if not lang or lang == page_lang:
        return Markup("")
    way = direction(lang)
    return Markup(' lang="{}"{}').format(lang, Markup(f' dir="{way}"') if way != direction(page_lang) else "")


_ENVIRONMENTS: dict = {}


def environment_for(theme, compiled: Path) -> jinja2.Environment:
    """The theme's templates with this module's filters, made once per process.

    Compiled templates are kept in `compiled` (in the build cache), checked against their source, when it
    can be written.
    """
    if (theme, compiled) not in _ENVIRONMENTS:
        env = theme.environment()
        try:
            compiled.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(compiled))
        except OSError:  # a build cache that cannot be written (press check in a read-only checkout) only costs time
            pass
        env.filters["tel"] = tel_href
        env.filters["lang_attrs"] = lang_attributes
        _ENVIRONMENTS[theme, compiled] = env
    return _ENVIRONMENTS[theme, compiled]


def template_problems(theme, compiled: Path) -> list[Problem]:
    """One problem, at its line, for each of the theme's templates that cannot be compiled (a tag left open, an
    unknown filter): found before any release is rendered, so that it is said once, not once per release."""
    env = environment_for(theme, compiled)
    found = []
    for name in env.list_templates():
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            path = Path(exc.filename or name)
            fix = ("mend it; it is the built-in theme's own, which every theme falls back to, so restore it rather than "
                   "delete it" if path.resolve().is_relative_to(theme.layers[-1].resolve())
                   else "mend it, or delete it to use the built-in one")
            found.append(Problem(path, exc.lineno or 1, "error", f"this template cannot be read ({exc.message}); {fix}"))
    return found


def type_label(release: Release) -> str:
    return release.type or labels(release.lang)["type"]


def size_text(size: int, lang: str) -> str:
    """'84 kB', '1,2 MB' with the language's decimal mark."""
    if size < 1000 * 1000:
        return f"{format_decimal(max(1, round(size / 1000)), locale=babel_locale(lang))} kB"
    return f"{format_decimal(round(size / 1e6, 1), locale=babel_locale(lang))} MB"


def og_locale(lang: str) -> str:
    """'sv' -> 'sv_SE' (Open Graph wants language_TERRITORY)."""
    full = langcodes.Language.get(lang).maximize()
    return f"{full.language}_{full.territory}" if full.territory else full.language


def render_with_fonts(template: jinja2.Template, context: dict, fonts: FontCoverage | None) -> str:
    """The page, linking the stylesheets of the scripts it is written in (read from the page as made): a page in
    Swedish downloads no font of another script."""
    html = template.render(context)
    needed = fonts.needed(html) if fonts else ()
    if needed:
        html = template.render({**context, "stylesheets": with_scripts(context["stylesheets"], needed)})
    return html


def chrome(site: Site, path: str, lang: str) -> dict:
    """What every page's frame needs: the press room, the way back to dist/, labels in `lang`."""
    return {
        "site": site, "root": root_of(path), "lang": lang, "dir": direction(lang), "l": labels(lang), "generator": GENERATOR,
        "logo": {"path": site_file_path(site, site.logo.src), "alt": site.logo.alt} if site.logo else None,
        "feeds": {"title": site.title, "atom": "feed.atom", "rss": "feed.rss", "json": "feed.json"},
        "printable": False,
        "stylesheets": SCREEN_STYLESHEETS,
        # Texts of site.yaml (title, newsroom contacts) are in the press room's language.
        "site_lang": None if lang == site.lang else site.lang,
        "statement": statement_path(site, lang),
    }


def download_links(downloads: Downloads, lang: str) -> list[dict]:
    """'PDF (2 sidor, 28 kB)', 'Text för nyhetsbyråer (TXT, 3 kB)', 'NewsML-G2 för redaktionssystem (XML, 9 kB)', …"""
    l = labels(lang)
    names = format_names(l)
    links = []
    for artifact in downloads.files:
        media_type, format_name = DOWNLOAD_TYPES[artifact.kind]
        size = size_text(len(artifact.data), lang)
        if artifact.kind == "pdf":
            unit = l["page_one"] if downloads.pdf_pages == 1 else l["pages"]
            text = f"PDF ({downloads.pdf_pages} {unit}, {size})"
        else:
            text = f"{names[artifact.kind]} ({format_name}, {size})"
            if isinstance(l["wire_text" if artifact.kind == "txt" else "for_newsrooms"], English):
                text = English(text)  # marked as English on the page, as the label it is made from
        links.append({"name": artifact.path.rsplit("/", 1)[-1], "type": media_type, "text": text})
    return links


def format_names(l: dict[str, str]) -> dict[str, str]:
    """What a download link calls each format, by kind: 'Text för nyhetsbyråer', 'NewsML-G2 för redaktionssystem'…"""
    return {"txt": l["wire_text"], "newsml": f"NewsML-G2 {l['for_newsrooms']}", "ninjs": f"ninjs {l['for_newsrooms']}"}


def preview_banner(release: Release, now: datetime, tz: str) -> str:
    """What a preview says above a release that is not public: 'Utkast – inte publicerat', 'Under embargo till
    tisdag 1 december 2026 kl. 10.00'. Only `press serve` shows it; an export never publishes such a release."""
    l = labels(release.lang)
    if release.draft:
        return l["preview_draft"]
    when = weekday_date_time(release.public_time, release.lang, tz)
    return (l["preview_embargo"] if release.embargo and release.embargo > now else l["preview_scheduled"]).format(when=when)


def release_context(doc: Document, downloads: Downloads | None, banner: str | None = None) -> dict:
    r, site = doc.release, doc.site
    l = labels(r.lang)
    tz = site.timezone
    url = public_url(site, r)
    path = page_path(r)
    printable = downloads is None
    image = None
    if r.image:
        photo = doc.photos.get(r.image.src.name)
        sized = photo if photo and photo.renditions else None  # an SVG or an animation is shown as it is
        image = {
            "href": file_href(r.image.src.name), "alt": r.image.alt or (DECORATIVE if printable else ""), "caption": r.image.caption,
            "credit": r.image.credit, "url": url + file_href(r.image.src.name),
            "picture": picture(sized, printable) if sized else None,
        }
        if sized:  # Open Graph and JSON-LD show a rendition: a 20 MB original is no preview
            image["url"] = url + file_href(sized.widest(1280).name)
    before, rest = l["page"].split("{page}", 1)
    middle, after = rest.split("{pages}", 1)
    return {
        **chrome(site, path, r.lang),
        # The PDF is made from the page without a PDF link. There the logo carries the organisation's
        # name as alt text (a tagged PDF needs one); on the web page the link text already says it.
        "printable": printable,
        "banner": banner,
        "r": r, "url": url, "type_label": type_label(r),
        "date_iso": r.date.isoformat(), "date_text": long_date(r.date, r.lang, tz),
        "updated_iso": r.updated.isoformat() if r.updated else None,
        "updated_text": long_date(r.updated, r.lang, tz) if r.updated else None,
        "corrections": [{"iso": c.iso, "text_date": c.date, "text": c.text} for c in correction_notes(doc)],
        "image": image,
        "body_html": Markup(with_renditions(doc.body_html, doc.photos, printable)),
        "photos": [] if printable else photo_downloads(doc),
        "tags": [
            {"key": key, "heading": l[key], "items": [
                {"name": name, "href": root_of(path) + listing_folder(site, scope, name) + "index.html"} for name in names
            ]}
            for key, scope, names in (("topics", "topic", r.topics), ("regions", "region", r.regions)) if names
        ],
        "attachments": [
            {"href": file_href(a.src.name), "title": a.title, "kind": a.src.suffix.lstrip(".").upper() or "file",
             "size": size_text(doc.photos[a.src.name].bytes if a.src.name in doc.photos else a.src.stat().st_size, r.lang)}
            for a in r.attachments
        ],
        "downloads": download_links(downloads, r.lang) if downloads else None,
        "another_format": another_format_href(site, r) or (
            root_of(path) + statement_path(site, r.lang) + "#another-format" if site.accessibility else None),
        "boilerplate": boilerplate_context(site, r),
        "about": l["about"].format(name=site.name),
        "page_label": [_css_string(before), _css_string(middle), _css_string(after)],
        "og_locale": og_locale(r.lang),
        "json_ld": _json_ld(doc, url, image),
    }


# The width an image in the body or the key image is shown at: the default theme's column (main's 44rem, less its
# padding), else the window less that padding. A browser takes the smallest rendition that fills it.
SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"


def picture(photo: Photo, printable: bool, prefix: str = "") -> dict:
    """What a <picture> of a photo with renditions needs: its WebP and fallback srcsets, and the <img>'s own src
    and size. The page the PDF is made from has the print rendition alone (WeasyPrint reads no srcset)."""
    shown = photo.widest() if printable else photo.widest(1280)
    return {"webp": photo.srcset("image/webp", prefix), "srcset": photo.srcset(shown.media_type, prefix),
            "src": prefix + file_href(shown.name), "width": shown.width, "height": shown.height, "sizes": SIZES,
            "printable": printable}


_IMG = re.compile(r'<img src="([^"]*)"([^>]*?)\s*/?>')


def with_renditions(body_html: str, photos: dict[str, Photo], printable: bool = False, base: str | None = None) -> str:
    """The body's images as renditions: on the web page a <picture> of every size, in the PDF the print rendition,
    and with `base` (feeds, agencies' formats: addresses absolute) the 1280 px one alone."""
    by_href = {(base or "") + file_href(name): photo for name, photo in photos.items() if photo.renditions}

    def swap(m: re.Match) -> str:
        photo = by_href.get(m[1])
        if photo is None:
            return m[0]
        if base is not None:
            shown = photo.widest(1280)
            return f'<img src="{base}{file_href(shown.name)}"{m[2]} width="{shown.width}" height="{shown.height}">'
        p = picture(photo, printable)
        size = f' width="{p["width"]}" height="{p["height"]}"'
        if printable:
            return f'<img src="{p["src"]}"{m[2]}{size}>'
        return (f'<picture><source type="image/webp" srcset="{p["webp"]}" sizes="{SIZES}">'
                f'<img src="{p["src"]}" srcset="{p["srcset"]}" sizes="{SIZES}"{m[2]}{size}></picture>')

    return _IMG.sub(swap, body_html)


def photo_downloads(doc: Document) -> list[dict]:
    """The page's 'Press photos': each image it shows, with its original for download, credit and licence."""
    r, l = doc.release, labels(doc.release.lang)
    names = {file_href(name): name for name in doc.photos}
    # pandoc writes an image with a title as <img src title alt>
    alts = {names[src]: html.unescape(alt) for src, alt in re.findall(r'<img src="([^"]*)"[^>]*? alt="([^"]*)"', doc.body_html)
            if src in names}
    order = dict.fromkeys(([r.image.src.name] if r.image else []) + list(alts))  # as the page shows them
    out = []
    for name in order:
        photo = doc.photos.get(name)
        if photo is None or not photo.renditions or (r.image and name == r.image.src.name and r.image.decorative):
            continue
        is_key = r.image is not None and name == r.image.src.name
        license = (r.image.license if is_key else None) or doc.site.image_license
        kind = photo.media_type.split("/")[1].upper()
        out.append({
            "href": file_href(name), "type": photo.media_type,
            "what": (r.image.caption or r.image.alt) if is_key else alts[name],
            "original": l["photo_original"].format(kind=kind, width=_number(photo.width, r.lang),
                                                   height=_number(photo.height, r.lang), size=size_text(photo.bytes, r.lang)),
            "credit": r.image.credit if is_key else None,
            "license": license, "license_url": license_link(license),
            "thumb": picture(photo, False), "id": f"photo-{len(out) + 1}",
        })
    return out


def _number(n: int, lang: str) -> str:
    return format_decimal(n, locale=babel_locale(lang))


def boilerplate_context(site: Site, r: Release) -> dict | None:
    """The 'About the organisation' block under a release: its title, paragraphs, and language when not the
    release's; None when the release leaves it out or the press room has none."""
    bp_lang, boilerplate = site.boilerplate_for(r.lang) if r.boilerplate else (None, None)
    if not boilerplate:
        return None
    return {"title": boilerplate.title, "paragraphs": [p for p in boilerplate.text.split("\n") if p.strip()],
            "lang": None if bp_lang == r.lang else bp_lang}


def _json_ld(doc: Document, url: str, image: dict | None) -> Markup:
    r, site = doc.release, doc.site
    organisation = {"@type": "Organization", "name": site.name, "url": site.url}
    if site.logo:
        organisation["logo"] = site.url + site_file_path(site, site.logo.src)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": r.title,
        "description": r.lead,
        "datePublished": r.date.isoformat(),
        "dateModified": (r.updated or r.date).isoformat(),
        "inLanguage": r.lang,
        "author": organisation,
        "publisher": organisation,
        "mainEntityOfPage": url,
        "url": url,
        "image": [image["url"]] if image else None,
        "keywords": list(r.topics) or None,
    }
    text = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False, indent=1)
    # "<" cannot end the script element early once escaped; the JSON means the same.
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _css_string(text: str) -> Markup:
    return Markup(text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c "))


def render_release_page(doc: Document, env: jinja2.Environment, downloads: Downloads | None = None,
                        banner: str | None = None, fonts: FontCoverage | None = None) -> Artifact:
    """The release's page; without `downloads` it is the page the PDF is made from (no link to itself). A preview
    gives a `banner` to show above it; `fonts` are the theme's, for the page to link those of its scripts."""
    html = render_with_fonts(env.get_template("release.html"), release_context(doc, downloads, banner), fonts)
    return Artifact(page_path(doc.release), html.encode("utf-8"), "html")


def render_press_copies(copies: list[dict], site: Site, env: jinja2.Environment) -> bytes:
    """The index.html of a folder of press copies: each release under embargo there, its embargo, its files.

    `copies` are the entries of the folder's press-copies.json, in the order they are listed.
    """
    lang = site.lang
    l = labels(lang)
    names = {"pdf": "PDF", **format_names(l)}
    listed = []
    for copy in copies:
        files = []
        for f in copy["files"]:
            kind = f.get("kind")
            media_type, format_name = DOWNLOAD_TYPES.get(kind, (None, None))
            what = names.get(kind) or (l["image_file"] if f["path"].lower().endswith(IMAGE_SUFFIXES) else None)
            name = f["path"].rsplit("/", 1)[-1]
            size = size_text(f.get("bytes", 0), lang)
            text = f"{what}: {name} ({size})" if what else f"{name} ({size})"
            files.append({"href": file_href(f["path"]), "type": media_type, "text": text})
        listed.append({"title": copy["title"], "lang": None if copy["lang"] == lang else copy["lang"],
                       "notice": copy["notice"], "files": files})
    context = {"site": site, "lang": lang, "dir": direction(lang), "l": l, "copies": listed}
    return env.get_template("press-copies.html").render(context).encode("utf-8")


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif")
