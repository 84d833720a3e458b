"""What search engines and news aggregators read: sitemap.xml, the news sitemap and robots.txt, from real exports."""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

import pytest
from click.testing import CliRunner
from conftest import NOW, ROOT, SITE, export, forced_export, release, tree, write_tree
from lxml import etree, html

from pipeline.cli import main

SCHEMA = etree.XMLSchema(etree.parse(str(ROOT / "pipeline/verify/schemas/sitemaps/sitemap.xsd")))
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def parsed(dist: Path, name: str) -> etree._Element:
    return etree.fromstring((dist / name).read_bytes())


def urls(dist: Path, name: str = "sitemap.xml") -> dict[str, str | None]:
    """loc -> lastmod of every url in a sitemap."""
    return {u.findtext("s:loc", namespaces=NS): u.findtext("s:lastmod", namespaces=NS)
            for u in parsed(dist, name).findall("s:url", NS)}


def news(dist: Path) -> dict[str, dict[str, str]]:
    """loc -> the news: fields of every url in the news sitemap."""
    out = {}
    for url in parsed(dist, "sitemap-news.xml").findall("s:url", NS):
        fields = {"name": "news:news/news:publication/news:name", "language": "news:news/news:publication/news:language",
                  "date": "news:news/news:publication_date", "title": "news:news/news:title"}
        out[url.findtext("s:loc", namespaces=NS)] = {k: url.findtext(path, namespaces=NS) for k, path in fields.items()}
    return out


def pages(dist: Path) -> list[str]:
    """Every HTML page of dist/, by path: what a visitor can open (the theme's files are none)."""
    return sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*.html") if not p.relative_to(dist).as_posix().startswith("theme/"))


def canonical(dist: Path, path: str) -> str:
    [href] = html.fromstring((dist / path).read_bytes()).xpath("//link[@rel='canonical']/@href")
    return href


def manifest(dist: Path) -> dict:
    return json.loads((dist / "manifest.json").read_text("utf-8"))


def verify(folder: Path, expect: int):
    with contextlib.chdir(folder.parent):
        result = CliRunner().invoke(main, ["verify", folder.name, "-j", "1"], catch_exceptions=False)
    assert result.exit_code == expect, result.output
    return result


@pytest.mark.parametrize("fixture", ["example_dist", "paged_dist"])
def test_the_sitemap_is_valid_and_lists_every_public_page_by_its_canonical_address(fixture, request):
    dist = request.getfixturevalue(fixture)
    assert SCHEMA.validate(parsed(dist, "sitemap.xml")), SCHEMA.error_log
    listed = urls(dist)
    found = pages(dist)
    assert len(found) > 5
    assert sorted(listed) == sorted(canonical(dist, path) for path in found)
    assert len(listed) == len(parsed(dist, "sitemap.xml").findall("s:url", NS)), "no page twice"
    if fixture == "paged_dist":  # 22 releases: the index and the topic have a second page, and sv/ and en/ exist
        assert {"https://press.example.org/sida/2/", "https://press.example.org/amnen/skola/sida/2/",
                "https://press.example.org/sv/", "https://press.example.org/en/"} <= set(listed)
    else:
        assert {"https://press.halmstad.se/", "https://press.halmstad.se/amnen/stadsutveckling/",
                "https://press.halmstad.se/regioner/halmstad/", "https://press.halmstad.se/2026/halmstad-quality-mark/"} <= set(listed)
    locs = list(urls(dist))
    assert locs == sorted(locs), "in a fixed order"


@pytest.mark.parametrize("fixture", ["example_dist", "paged_dist"])
def test_lastmod_is_a_releases_correction_or_date_and_a_listings_newest_release(fixture, request):
    dist = request.getfixturevalue(fixture)
    entries = {e["url"]: e for e in manifest(dist)["releases"]}
    changed = {url: e["updated"] or e["date"] for url, e in entries.items()}
    listed = urls(dist)
    for url, when in changed.items():
        assert listed[url] == when
    for path in pages(dist):
        url = canonical(dist, path)
        if url in entries:
            continue
        if path.endswith(("tillganglighet/index.html", "accessibility/index.html")):  # reviewed on 15 November
            assert listed[url] == "2026-11-15T00:00:00+01:00", path
            continue
        shown = [urljoin(url, href) for href in html.fromstring((dist / path).read_bytes()).xpath("//ol[@class='release-list']//h3/a/@href")]
        assert shown and all(s.removesuffix("index.html") in entries for s in shown), path
        assert listed[url] == max((changed[s.removesuffix("index.html")] for s in shown), key=datetime.fromisoformat), path
    if fixture == "example_dist":  # corrected on 9 October: that is when its page last changed, not its date
        assert listed["https://press.halmstad.se/2026/harbour-cycle-route/"] == "2026-10-09T08:15:00+02:00"
        assert listed["https://press.halmstad.se/en/"] == "2026-10-09T08:15:00+02:00"


def test_robots_txt_names_both_sitemaps_by_absolute_address_and_everything_is_in_the_manifest(example_dist):
    robots = (example_dist / "robots.txt").read_text("utf-8").splitlines()
    assert "User-agent: *" in robots and "Allow: /" in robots
    assert [line for line in robots if line.startswith("Sitemap:")] == [
        "Sitemap: https://press.halmstad.se/sitemap.xml", "Sitemap: https://press.halmstad.se/sitemap-news.xml"]
    records = manifest(example_dist)
    listed = {f["path"]: f for f in records["sitemaps"]}
    assert set(listed) == {"sitemap.xml", "sitemap-news.xml"}
    for path, record in listed.items():
        assert hashlib.sha256((example_dist / path).read_bytes()).hexdigest() == record["sha256"]
        assert record["urls"] == len(urls(example_dist, path))
    assert "robots.txt" in {a["path"] for a in records["assets"]}


LATER = release("title: Senare & större <nyhet>\ndate: 2026-11-25T09:00\nlang: en\nembargo: 2026-11-26T12:00\n")


def test_the_news_sitemap_holds_the_releases_public_in_the_last_two_days_and_follows_the_clock(project):
    write_tree(project, {
        "sources/2026/2026-11-20-gammal.md": release("title: Gammal\ndate: 2026-11-20T09:00\n"),
        "sources/2026/2026-11-25-senare.md": LATER,
        "sources/2026/2026-11-26-ny.md": release("title: Ny\ndate: 2026-11-26T10:00\nupdated: 2026-11-26T11:00\n"
                                                 "corrections: [{date: 2026-11-26T11:00, text: Rättad.}]\n"),
        "sources/2026/2026-11-27-utkast.md": release("title: Utkast\ndate: 2026-11-27T09:00\ndraft: true\n"),
        "sources/2026/2026-11-28-embargo.md": release("title: Hemlig\ndate: 2026-11-27T09:00\nembargo: 2026-11-28T09:00\n"),
    })
    dist = project / "dist"

    export("sources", "--now", "2026-11-27T12:00", "-q")
    assert news(dist) == {
        "https://press.example.org/2026/ny/": {"name": "Testkommunen", "language": "sv", "date": "2026-11-26T10:00:00+01:00",
                                               "title": "Ny"},
        # made public when its embargo lifted: that is its publication date, and what the window counts from
        "https://press.example.org/2026/senare/": {"name": "Testkommunen", "language": "en",
                                                   "date": "2026-11-26T12:00:00+01:00", "title": "Senare & större <nyhet>"},
    }
    assert list(news(dist)) == ["https://press.example.org/2026/senare/", "https://press.example.org/2026/ny/"], \
        "newest first, by when each was made public"
    for name in ("sitemap.xml", "sitemap-news.xml"):
        text = (dist / name).read_text("utf-8")
        assert "utkast" not in text and "hemlig" not in text.lower() and "embargo" not in text, name
    assert "https://press.example.org/2026/gammal/" in urls(dist)

    # Nothing changed in the sources: the clock alone takes 'ny' out (public 26 Nov 10:00), and lifts an embargo.
    export("sources", "--now", "2026-11-28T10:30", "-q")
    assert list(news(dist)) == ["https://press.example.org/2026/embargo/", "https://press.example.org/2026/senare/"]
    export("sources", "--now", "2026-11-28T12:30", "-q")
    assert list(news(dist)) == ["https://press.example.org/2026/embargo/"]
    assert manifest(dist)["sitemaps"][1] == {"path": "sitemap-news.xml", "format": "news", "urls": 1,
                                             "sha256": hashlib.sha256((dist / "sitemap-news.xml").read_bytes()).hexdigest()}
    assert "https://press.example.org/2026/ny/" in urls(dist), "sitemap.xml keeps every page"

    export("sources", "--now", "2026-12-24T12:00", "-q")
    empty = parsed(dist, "sitemap-news.xml")
    assert empty.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset" and len(empty) == 0
    verify(dist, expect=0)


def test_an_export_with_only_the_window_changed_makes_the_news_sitemap_alone_again(project, monkeypatch):
    write_tree(project, {"sources/2026/2026-11-26-ny.md": release("title: Ny\ndate: 2026-11-26T10:00\ntopics: [Skola]\n")})
    export("sources", "--now", "2026-11-27T12:00", "-q")
    assert list(news(project / "dist")) == ["https://press.example.org/2026/ny/"]
    before = tree(project / "dist")

    import pipeline.render.listings

    def made_again(*args, **kwargs):
        raise AssertionError("the listings were made again though no release changed")

    monkeypatch.setattr(pipeline.render.listings, "listings", made_again)
    export("sources", "--now", "2026-11-28T12:00", "-q")
    after = tree(project / "dist")
    assert news(project / "dist") == {}
    assert sorted(name for name in after if after[name] != before.get(name)) == ["manifest.json", "sitemap-news.xml"]


def test_an_export_at_a_later_now_writes_what_a_forced_export_then_does(project):
    files = {"sources/site.yaml": SITE, "sources/2026/2026-11-20-a.md": release("title: A\ndate: 2026-11-20T09:00\n"),
             "sources/2026/2026-11-26-b.md": release("title: B\ndate: 2026-11-26T09:00\nembargo: 2026-11-27T09:00\n")}
    write_tree(project, files)
    for now in ("2026-11-26T12:00", "2026-11-27T10:00", "2026-11-29T10:00"):
        export("sources", "--now", now, "-q", "-j", "1")
        code, forced = forced_export(files, now)
        got = tree(project / "dist")
        for name in ("sitemap.xml", "sitemap-news.xml", "robots.txt", "manifest.json"):
            assert got[name] == forced[name], f"{name} at {now}"


def test_addresses_and_texts_are_escaped(project):
    write_tree(project, {
        "sources/site.yaml": "name: A & B <AB>\nurl: https://www.example.org/press&media/\nlang: sv\n",
        "sources/2026/2026-11-26-ny.md": release("title: Ny & \"bättre\" <nu>\ndate: 2026-11-26T10:00\n"),
    })
    export("sources", "--now", NOW, "-q")
    dist = project / "dist"
    assert SCHEMA.validate(parsed(dist, "sitemap.xml"))
    assert "<loc>https://www.example.org/press&amp;media/2026/ny/</loc>" in (dist / "sitemap.xml").read_text("utf-8")
    assert canonical(dist, "2026/ny/index.html") in urls(dist)
    assert news(dist)["https://www.example.org/press&media/2026/ny/"] == {
        "name": "A & B <AB>", "language": "sv", "date": "2026-11-26T10:00:00+01:00", "title": 'Ny & "bättre" <nu>'}
    robots = (dist / "robots.txt").read_text("utf-8")
    assert "Sitemap: https://www.example.org/press&media/sitemap.xml\n" in robots
    # Published under a path, where no crawler reads it: it says where its lines belong.
    assert "https://www.example.org/robots.txt" in robots
    verify(dist, expect=0)


def test_an_address_outside_ascii_is_percent_encoded_and_its_host_spelt_in_idna():
    from pipeline.paths import as_uri

    assert as_uri("https://press.halmstad.se/2026/halmstad-quality-mark/") == "https://press.halmstad.se/2026/halmstad-quality-mark/"
    assert as_uri("https://www.exämpel.se/pressrum ö/") == "https://www.xn--exmpel-cua.se/pressrum%20%C3%B6/"
    assert as_uri("https://www.example.org/50%/a%20b/") == "https://www.example.org/50%25/a%20b/"


def test_an_operators_own_robots_txt_is_left_alone_before_and_after_the_first_export(project):
    write_tree(project, {"sources/2026/r.md": release("title: R\ndate: 2026-11-20\n"),
                         "dist/robots.txt": "User-agent: *\nDisallow: /intern/\n"})
    export("sources", "--now", NOW, "-q")
    assert (project / "dist/robots.txt").read_text() == "User-agent: *\nDisallow: /intern/\n"
    assert "robots.txt" not in {a["path"] for a in manifest(project / "dist")["assets"]}

    (project / "dist/robots.txt").unlink()
    export("sources", "--now", NOW, "-q")
    assert "Sitemap: https://press.example.org/sitemap.xml" in (project / "dist/robots.txt").read_text()
    # The export's robots.txt replaced by the operator's own: kept, not tidied away as the export's old file.
    (project / "dist/robots.txt").unlink()
    (project / "dist/robots.txt").write_text("User-agent: *\nDisallow: /\n")
    write_tree(project, {"sources/2026/s.md": release("title: S\ndate: 2026-11-21\n")})
    export("sources", "--now", NOW, "-q")
    assert (project / "dist/robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    assert (project / "dist/sitemap.xml").is_file() and (project / "dist/sitemap-news.xml").is_file()


def test_removing_a_release_keeps_the_sitemaps_and_takes_it_out_of_them(project):
    write_tree(project, {"sources/2026/2026-11-26-a.md": release("title: A\ndate: 2026-11-26T09:00\n"),
                         "sources/2026/2026-11-26-b.md": release("title: B\ndate: 2026-11-26T10:00\n")})
    export("sources", "--now", NOW, "-q")
    (project / "sources/2026/2026-11-26-b.md").unlink()
    export("sources", "--now", NOW, "-q")
    dist = project / "dist"
    assert "https://press.example.org/2026/b/" not in urls(dist) and "https://press.example.org/2026/a/" in urls(dist)
    assert list(news(dist)) == ["https://press.example.org/2026/a/"]
    assert (dist / "robots.txt").is_file()
    verify(dist, expect=0)


def relisted(folder: Path, path: str, data: bytes) -> None:
    """Replace a sitemap and record its new sha256 in the manifest, as a faulty export would have."""
    records = manifest(folder)
    [record] = [f for f in records["sitemaps"] if f["path"] == path]
    record["sha256"] = hashlib.sha256(data).hexdigest()
    (folder / path).write_bytes(data)
    (folder / "manifest.json").write_text(json.dumps(records), "utf-8")


@pytest.fixture
def published(project) -> Path:
    write_tree(project, {"sources/2026/2026-11-26-a.md": release("title: A\ndate: 2026-11-26T09:00\nlang: en\n")})
    export("sources", "--now", NOW, "-q")
    folder = project / "published"
    shutil.copytree(project / "dist", folder)
    return folder


def test_press_verify_passes_both_sitemaps_as_written(published):
    verify(published, expect=0)


def test_press_verify_flags_a_sitemap_edited_to_be_invalid(published):
    text = (published / "sitemap.xml").read_text("utf-8")
    relisted(published, "sitemap.xml", text.replace("<lastmod>2026-11-26T09:00:00+01:00</lastmod>", "<lastmod>igår</lastmod>").encode())
    out = verify(published, expect=1).stdout
    assert "sitemap.xml: the sitemap does not validate against the sitemap protocol 0.9: line" in out
    assert "igår" in out and out.count("published/sitemap.xml:") == 2, out  # the index's and the release's lastmod


def test_press_verify_flags_a_sitemap_changed_after_the_export(published):
    (published / "sitemap.xml").write_text("<urlset/>", "utf-8")
    out = verify(published, expect=1).stdout
    assert "sitemap.xml: its content differs from what manifest.json records" in out


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("<news:title>A</news:title>", ""), "lacks the title (<news:title>)"),
    (lambda t: t.replace("<news:language>en</news:language>", "<news:language>English</news:language>"),
     "gives the publication's language as 'English', which is not an ISO 639 code"),
    (lambda t: t.replace("2026-11-26T09:00:00+01:00", "26 November 2026"),
     "gives the publication date as '26 November 2026', which is not a W3C date and time"),
    (lambda t: t.replace("/2026/a/", "/2026/other/"), "lists https://press.example.org/2026/other/, which is no release page"),
    (lambda t: t.replace("<news:name>Testkommunen</news:name>", ""), "lacks the publication's name"),
    (lambda t: t.replace("</loc>", "</loc><priority>2.0</priority>"),
     "does not validate against the sitemap protocol 0.9: line 4: Element '{http://www.sitemaps.org/schemas/sitemap/0.9}priority'"),
    (lambda t: t.replace("</urlset>", ""), "is not well-formed XML"),
])
def test_press_verify_flags_each_problem_of_the_news_sitemap(published, edit, message):
    relisted(published, "sitemap-news.xml", edit((published / "sitemap-news.xml").read_text("utf-8")).encode())
    out = verify(published, expect=1).stdout
    [line] = out.splitlines()
    assert line.startswith("published/sitemap-news.xml: ") and message in line, out


def test_news_languages_are_iso_639_and_chinese_is_zh_cn_or_zh_tw():
    from pipeline.render.sitemaps import news_language

    assert [news_language(t) for t in ("sv", "en-GB", "nb", "se", "zh", "zh-Hans", "zh-CN", "zh-Hant", "zh-TW", "zh-HK")] == \
        ["sv", "en", "nb", "se", "zh-cn", "zh-cn", "zh-cn", "zh-tw", "zh-tw", "zh-tw"]


def test_the_sitemap_schema_travels_inside_the_package_with_its_origin():
    assert (ROOT / "pipeline/verify/schemas/sitemaps/sitemap.xsd").is_file()
    assert "Last Modifed 2008-03-26" in (ROOT / "pipeline/verify/schemas/sitemaps/sitemap.xsd").read_text("utf-8")
    row = next(line for line in (ROOT / "pipeline/verify/schemas/README.md").read_text("utf-8").splitlines()
               if line.startswith("| `sitemaps/sitemap.xsd`"))
    assert "2008-03-26" in row and "Creative Commons Attribution-ShareAlike" in row
    assert '"schemas/**/*"' in (ROOT / "pyproject.toml").read_text("utf-8")
