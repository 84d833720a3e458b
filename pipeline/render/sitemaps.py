"""What search engines and news aggregators read to find the press room: sitemap.xml, the news sitemap and
robots.txt.

Made from manifest entries and page paths alone, by string building, with no template: a no-op export makes
the news sitemap again for a new --now without importing the templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from pipeline.paths import as_uri
from pipeline.render.artifact import Artifact
from pipeline.source.model import Site

SITEMAP = "sitemap.xml"
NEWS_SITEMAP = "sitemap-news.xml"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NEWS_WINDOW = timedelta(days=2)  # Google News takes articles published within the last two days
NEWS_MOST = 1000  # and at most this many from one news sitemap

# What XML 1.0 cannot hold at all, not even escaped: a title holding one would make the whole file unreadable.
# (Compiled at first use: it takes 10 ms, which a no-op export need not spend.)
_NOT_XML = "[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


def release_lastmod(entry: dict) -> str:
    """When a release last changed, as its manifest entry says: its correction's time, else its date."""
    return entry.get("updated") or entry["date"]


def newest(moments: Iterable[str]) -> str | None:
    """The latest of ISO 8601 times (compared as times: their offsets may differ), or None if there are none."""
    return max(moments, key=datetime.fromisoformat, default=None)


def page_url(site: Site, path: str) -> str:
    """A page's canonical address, as its <link rel="canonical"> says: its folder, without 'index.html'."""
    return site.url + path.removesuffix("index.html")


def render_sitemap(site: Site, pages: Iterable[tuple[str, str | None]]) -> Artifact:
    """sitemap.xml of `pages`: (path under dist/ of an HTML page, when it last changed or None), in any order."""
    urls = sorted((xml_text(as_uri(page_url(site, path))), lastmod) for path, lastmod in pages)
    lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n']
    for loc, lastmod in urls:
        lines.append(f"  <url>\n    <loc>{loc}</loc>\n" + (f"    <lastmod>{lastmod}</lastmod>\n" if lastmod else "")
                     + "  </url>\n")
    lines.append("</urlset>\n")
    return Artifact(SITEMAP, "".join(lines).encode("utf-8"))


def public_time(entry: dict) -> datetime:
    return datetime.fromisoformat(entry.get("public") or entry["date"])


def news_entries(entries: Iterable[dict], now: datetime) -> list[dict]:
    """The releases a news sitemap at `now` lists: public within the last two days, newest first, at most 1,000."""
    since = now - NEWS_WINDOW
    recent = [(when, e) for e in entries if since <= (when := public_time(e)) <= now]
    recent.sort(key=lambda pair: (pair[0], pair[1]["id"]), reverse=True)
    return [e for _, e in recent[:NEWS_MOST]]


def render_news_sitemap(site: Site, entries: Iterable[dict]) -> Artifact:
    """The Google News sitemap of `entries` (as news_entries gives them); with none, a sitemap listing nothing."""
    name = xml_text(site.name)
    lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n']
    for entry in entries:
        lines.append(
            f"  <url>\n    <loc>{xml_text(as_uri(entry['url']))}</loc>\n    <news:news>\n      <news:publication>\n"
            f"        <news:name>{name}</news:name>\n        <news:language>{news_language(entry['lang'])}</news:language>\n"
            f"      </news:publication>\n"
            f"      <news:publication_date>{public_time(entry).isoformat()}</news:publication_date>\n"
            f"      <news:title>{xml_text(entry['title'])}</news:title>\n    </news:news>\n  </url>\n"
        )
    lines.append("</urlset>\n")
    return Artifact(NEWS_SITEMAP, "".join(lines).encode("utf-8"))


def news_language(tag: str) -> str:
    """A language tag as Google News wants it: the ISO 639 code ('sv', 'en'), and for Chinese 'zh-cn'
    (Simplified) or 'zh-tw' (Traditional)."""
    subtags = tag.lower().replace("_", "-").split("-")
    if subtags[0] != "zh":
        return subtags[0]
    return "zh-tw" if {"hant", "tw", "hk", "mo"} & set(subtags[1:]) else "zh-cn"


def robots_txt(site: Site, mark: str) -> str:
    """robots.txt: every crawler may read everything, and is told where both sitemaps are. `mark`, in its first
    line, says the export wrote it."""
    lines = [f"# {mark}: every crawler may read the press room; the sitemaps list its pages."]
    address = urlsplit(site.url)
    if address.path not in ("", "/"):
        # Crawlers read robots.txt only at a host's root, where this press room's export does not write.
        root = f"{address.scheme}://{address.netloc}/robots.txt"
        lines.append(f"# Crawlers read only {as_uri(root)}: add the Sitemap lines below to that file.")
    lines += ["User-agent: *", "Allow: /", ""]
    lines += [f"Sitemap: {as_uri(site.url + name)}" for name in (SITEMAP, NEWS_SITEMAP)]
    return "\n".join(lines) + "\n"


def xml_text(value: str) -> str:
    """`value` as XML character data (or an attribute's value in double quotes): what XML cannot hold at all, a
    control character, is left out."""
    return re.sub(_NOT_XML, "", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
