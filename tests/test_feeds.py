"""Feeds that readers trust: valid, complete, and never showing an item twice."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree

from conftest import NOW, ROOT, export, png, release, write_tree

ATOM_SCHEMA = ROOT / "pipeline" / "verify" / "schemas" / "atom" / "atom.rng"
NS = {"a": "http://www.w3.org/2005/Atom"}


def manifest(dist: Path) -> dict:
    return json.loads((dist / "manifest.json").read_text("utf-8"))


def feeds(dist: Path, fmt: str) -> list[Path]:
    return [dist / f["path"] for f in manifest(dist)["feeds"] if f["format"] == fmt]


def json_feed_problems(feed: dict) -> list[str]:
    """The JSON Feed 1.1 rules a reader relies on (jsonfeed.org/version/1.1)."""
    problems = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    for key in ("title", "home_page_url", "feed_url"):
        if not isinstance(feed.get(key), str) or not feed[key]:
            problems.append(f"missing {key}")
    if not isinstance(feed.get("items"), list):
        return problems + ["items is not a list"]
    for item in feed["items"]:
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append("an item without a string id")
        if not (item.get("content_html") or item.get("content_text")):
            problems.append(f"{item.get('id')}: no content")
        for key in ("date_published", "date_modified"):
            if key in item and datetime.fromisoformat(item[key]).tzinfo is None:
                problems.append(f"{item['id']}: {key} without offset")
        urls = [item.get("url"), item.get("image")] + [a["url"] for a in item.get("attachments", [])]
        for url in filter(None, urls):
            if urlsplit(url).scheme != "https":
                problems.append(f"{item['id']}: {url} is not absolute")
        for attachment in item.get("attachments", []):
            if not attachment.get("mime_type"):
                problems.append(f"{item['id']}: attachment without mime_type")
    for key in ("home_page_url", "feed_url"):
        if urlsplit(feed.get(key, "")).scheme != "https":
            problems.append(f"{key} is not absolute")
    return problems


def test_every_listing_has_all_three_feeds(example_dist):
    listed = manifest(example_dist)["feeds"]
    scopes = {(f["scope"], f["key"]) for f in listed}
    assert ("site", None) in scopes and ("topic", "Stadsutveckling") in scopes
    assert ("region", "Halmstad") in scopes and ("lang", "en") in scopes
    for scope in scopes:
        assert sorted(f["format"] for f in listed if (f["scope"], f["key"]) == scope) == ["atom", "json", "rss"]


def test_every_atom_feed_is_valid_and_complete(example_dist):
    relaxng = etree.RelaxNG(etree.parse(str(ATOM_SCHEMA)))
    for path in feeds(example_dist, "atom"):
        doc = etree.parse(str(path))
        assert relaxng.validate(doc), (path, relaxng.error_log)
        public = "https://press.halmstad.se/" + path.relative_to(example_dist).as_posix()
        assert doc.xpath("/a:feed/a:link[@rel='self']/@href", namespaces=NS) == [public]
        for entry in doc.xpath("//a:entry", namespaces=NS):
            assert entry.xpath("a:updated", namespaces=NS) and entry.xpath("a:published", namespaces=NS)
            assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") in ("sv", "en")
            assert len(entry.xpath("a:link[@rel='alternate']", namespaces=NS)) == 1
            assert entry.xpath("a:link[@rel='related'][@type='application/pdf']", namespaces=NS)


def test_every_feed_parses_without_complaint(example_dist):
    for path in feeds(example_dist, "atom") + feeds(example_dist, "rss"):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path
        for entry in parsed.entries:
            content = entry.content[0].value if "content" in entry else entry.summary
            assert "<script" not in content
            for attribute in ("src", "href"):
                for url in etree.HTML(content).xpath(f"//@{attribute}"):
                    assert urlsplit(url).scheme in ("https", "mailto", "tel"), (path, url)
            assert all(img.get("alt") for img in etree.HTML(content).xpath("//img"))


def test_every_json_feed_follows_the_json_feed_rules(example_dist):
    paths = feeds(example_dist, "json")
    assert paths
    for path in paths:
        assert json_feed_problems(json.loads(path.read_text("utf-8"))) == [], path


def test_ids_are_unique_in_a_feed_and_the_same_in_every_feed(example_dist):
    ids_by_url: dict[str, set[str]] = {}
    for path in feeds(example_dist, "atom") + feeds(example_dist, "rss"):
        entries = feedparser.parse(path.read_bytes()).entries
        assert len({e.id for e in entries}) == len(entries), path
        for e in entries:
            ids_by_url.setdefault(e.link, set()).add(e.id)
    for path in feeds(example_dist, "json"):
        for item in json.loads(path.read_text("utf-8"))["items"]:
            ids_by_url.setdefault(item["url"], set()).add(item["id"])
    assert len(ids_by_url) == 3
    assert all(len(ids) == 1 for ids in ids_by_url.values()), ids_by_url
    assert len({next(iter(ids)) for ids in ids_by_url.values()}) == 3


def test_rss_channel_links_its_listing_and_carries_the_key_image(example_dist):
    doc = etree.parse(str(example_dist / "amnen/stadsutveckling/feed.rss"))
    assert doc.xpath("/rss/channel/link/text()") == ["https://press.halmstad.se/amnen/stadsutveckling/"]
    site = etree.parse(str(example_dist / "feed.rss"))
    enclosure = site.xpath("//item[title='Stadsbiblioteket har öppet hela jullovet']/enclosure")[0]
    # the image 1200 px wide it is, as published for the web: not the original, which may be 20 MB
    assert enclosure.get("url") == "https://press.halmstad.se/2026/bibliotekets-oppettider-jul/stadsbiblioteket-1200.png"
    image = example_dist / "2026/bibliotekets-oppettider-jul/stadsbiblioteket-1200.png"
    assert enclosure.get("type") == "image/png" and int(enclosure.get("length")) == image.stat().st_size
    assert site.xpath("/rss/channel/lastBuildDate/text()") == ["Thu, 26 Nov 2026 09:00:00 +0100"]


def newsboat_items(feed: Path, tmp_path: Path) -> list[tuple]:
    """What a real reader shows: Debian's newsboat reloads the feed into its cache, non-interactively."""
    home = tmp_path / f"newsboat-{feed.parent.name}-{feed.suffix[1:]}"
    home.mkdir()
    (home / "urls").write_text(feed.as_uri() + "\n")
    (home / "config").write_text("")
    subprocess.run(
        ["newsboat", "-C", str(home / "config"), "-u", str(home / "urls"), "-c", str(home / "cache.db"), "-x", "reload"],
        env={**os.environ, "HOME": str(home)}, check=True, capture_output=True, timeout=120,
    )
    with sqlite3.connect(home / "cache.db") as db:
        return db.execute("SELECT title, url, pubDate, guid FROM rss_item ORDER BY pubDate DESC").fetchall()


@pytest.mark.parametrize("name", ["feed.atom", "feed.rss"])
def test_a_real_feed_reader_shows_exactly_the_published_releases(example_dist, tmp_path, name):
    items = newsboat_items(example_dist / name, tmp_path)
    expected = [
        (e["title"], e["url"], int(datetime.fromisoformat(e["date"]).timestamp())) for e in manifest(example_dist)["releases"]
    ]
    assert [(title, url, date) for title, url, date, _ in items] == expected
    assert len({guid for *_, guid in items}) == 3


def entries(dist: Path) -> dict[str, dict]:
    """Atom entries of the site feed, by id."""
    doc = etree.parse(str(dist / "feed.atom"))
    return {
        e.findtext("a:id", namespaces=NS): {
            "updated": e.findtext("a:updated", namespaces=NS),
            "published": e.findtext("a:published", namespaces=NS),
            "link": e.xpath("a:link[@rel='alternate']/@href", namespaces=NS)[0],
            "content": e.findtext("a:content", namespaces=NS),
        }
        for e in doc.xpath("//a:entry", namespaces=NS)
    }


def test_a_correction_changes_updated_and_nothing_that_identifies_the_entry(project):
    front = "title: Rubrik\ndate: 2026-11-20T09:00:00+01:00\nid: stabil\n"
    write_tree(project, {"sources/2026/r.md": release(front)})
    export("sources", "--now", NOW, "-q")
    before = entries(project / "dist")
    write_tree(project, {"sources/2026/r.md": release(
        front + "updated: 2026-11-21T10:00:00+01:00\ncorrections:\n  - {date: 2026-11-21T10:00:00+01:00, text: Rubriken är rättad.}\n"
    )})
    export("sources", "--now", NOW, "-q")
    after = entries(project / "dist")
    assert after.keys() == before.keys() and len(after) == 1
    (key,) = after
    assert after[key]["link"] == before[key]["link"] and after[key]["published"] == before[key]["published"]
    assert before[key]["updated"] == "2026-11-20T09:00:00+01:00" and after[key]["updated"] == "2026-11-21T10:00:00+01:00"
    assert after[key]["content"].startswith("<p><strong>Uppdaterad 21 november 2026:</strong> Rubriken är rättad.</p>")
    doc = etree.parse(str(project / "dist/feed.atom"))
    assert doc.xpath("/a:feed/a:updated/text()", namespaces=NS) == ["2026-11-21T10:00:00+01:00"], "newest entry, not build time"


def test_an_embargoed_release_enters_every_feed_once_at_its_time(project):
    write_tree(project, {
        "sources/2026/a.md": release("title: Tidigare\ndate: 2026-11-20T09:00:00+01:00\ntopics: [Skola]\n"),
        "sources/2026/e.md": release("title: Embargo\ndate: 2026-11-26T08:00:00+01:00\nembargo: 2026-11-26T10:00:00+01:00\ntopics: [Skola]\n"),
    })

    def counts():
        dist = project / "dist"
        out = {}
        for path in feeds(dist, "atom") + feeds(dist, "rss"):
            out[path.relative_to(dist).as_posix()] = [e.title for e in feedparser.parse(path.read_bytes()).entries]
        for path in feeds(dist, "json"):
            out[path.relative_to(dist).as_posix()] = [i["title"] for i in json.loads(path.read_text())["items"]]
        return out

    export("sources", "--now", "2026-11-26T09:59:59+01:00", "-q")
    assert all(titles == ["Tidigare"] for titles in counts().values())
    export("sources", "--now", "2026-11-26T10:00:00+01:00", "-q")
    now = counts()
    assert len(now) == 6 and all(titles == ["Embargo", "Tidigare"] for titles in now.values()), now
    published = entries(project / "dist")
    assert sorted(e["published"] for e in published.values())[-1] == "2026-11-26T10:00:00+01:00", "its public time"


def test_the_feed_size_is_set_in_site_yaml(project):
    files = {"sources/site.yaml": "name: X\nurl: https://press.example.org/\nlang: sv\nfeeds: {size: 2}\n"}
    for n in range(1, 5):
        files[f"sources/2026/r{n}.md"] = release(f"title: Nummer {n}\ndate: 2026-11-0{n}\n")
    write_tree(project, files)
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    titles = [e.title for e in feedparser.parse((project / "dist/feed.rss").read_bytes()).entries]
    assert titles == ["Nummer 4", "Nummer 3"]
    assert {f["entries"] for f in manifest(project / "dist")["feeds"]} == {2}
    write_tree(project, {"sources/site.yaml": "name: X\nurl: https://press.example.org/\nlang: sv\nfeeds: {size: many}\n"})
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems == ["sources/site.yaml:4: error: 'feeds.size' must be a whole number from 1 to 1000, not 'many'"]


def test_the_key_image_is_an_enclosure_with_its_size(project):
    write_tree(project, {
        "sources/2026/r.md": release("title: Bild\ndate: 2026-11-20\nimage: {src: bild.png, alt: En blå ruta}\n"),
        "sources/2026/bild.png": png(),
    })
    export("sources", "--now", NOW, "-q")
    doc = etree.parse(str(project / "dist/feed.atom"))
    link = doc.xpath("//a:entry/a:link[@rel='enclosure']", namespaces=NS)[0]
    shown = project / "dist/2026/r/bild-40.png"  # its web size (as wide as it is), without camera metadata
    assert link.get("href") == "https://press.example.org/2026/r/bild-40.png"
    assert link.get("type") == "image/png" and int(link.get("length")) == shown.stat().st_size
    item = json.loads((project / "dist/feed.json").read_text())["items"][0]
    assert item["image"] == "https://press.example.org/2026/r/bild-40.png"
