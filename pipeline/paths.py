"""Where everything is published: paths under dist/ and public URLs, in one place."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from pipeline.labels import labels
from pipeline.source.load import slugify
from pipeline.source.model import Release, Site


def page_path(release: Release) -> str:
    return f"{release.folder}/index.html"


def pdf_name(release: Release) -> str:
    return f"{release.slug}.pdf"


def text_path(release: Release) -> str:
    return f"{release.folder}/{release.slug}.txt"


def own_file_names(slug: str) -> set[str]:
    """What a release publishes itself beside its page (see the functions around): no file of its may take a name."""
    return {"index.html", f"{slug}.pdf", f"{slug}.txt", f"{slug}.newsml.xml", f"{slug}.ninjs.json"}


def public_url(site: Site, release: Release) -> str:
    return f"{site.url}{release.folder}/"


def file_href(name: str) -> str:
    """A published file's name as it goes in an address beside its page: percent-encoded, so that a
    name like 'javascript:x.pdf' or 'a?b.pdf' is never read as a scheme or a query, and spaces are valid."""
    return quote(name)


def site_file_path(site: Site, path: Path) -> str:
    """Files of the press room (the logo) keep their place under the sources folder."""
    return path.relative_to(site.root.resolve()).as_posix()


def listing_folder(site: Site, scope: str, key: str | None) -> str:
    """'' for the whole press room, 'amnen/stadsutveckling/' for a topic, 'en/' for a language.

    Folder words follow the press room's language, so addresses read naturally.
    """
    if scope == "site":
        return ""
    if scope == "lang":
        return f"{key.lower()}/"
    word = labels(site.lang)["topics_path" if scope == "topic" else "regions_path"]
    return f"{word}/{slugify(key) or 'x'}/"


def root_of(path: str) -> str:
    """The relative prefix from a file at `path` back to dist/ ('2026/x/index.html' -> '../../')."""
    return "../" * path.count("/")


def as_uri(address: str) -> str:
    """`address` as an ASCII URI (RFC 3986), for readers that take no IRI (sitemaps): the host in IDNA, other
    characters a URI may not hold percent-encoded. An address that is a URI already comes back unchanged."""
    parts = urlsplit(address)
    netloc = parts.netloc
    if not netloc.isascii():
        try:
            netloc = netloc.encode("idna").decode("ascii")
        except UnicodeError:
            netloc = quote(netloc, safe=":@[]")
    # '%' stays where it opens an escape already made; a lone one is encoded like any other sign.
    text = lambda part: re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", quote(part, safe="/:@!$&'()*+,;=%~"))  # noqa: E731
    return urlunsplit((parts.scheme, netloc, text(parts.path), text(parts.query), text(parts.fragment)))


def release_uri(site: Site, release_id: str) -> str:
    """The release's identity in feeds, NewsML-G2 and ninjs.

    Derived only from the press room's host and the release id, so a new title
    or file name never makes a reader or an agency see the release twice.
    """
    host = urlsplit(site.url).netloc
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://{host}/releases/{release_id}"))


def newsml_path(release: Release) -> str:
    return f"{release.folder}/{release.slug}.newsml.xml"


def ninjs_path(release: Release) -> str:
    return f"{release.folder}/{release.slug}.ninjs.json"
