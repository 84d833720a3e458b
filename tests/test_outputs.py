"""What readers, journalists and archivists get from the example sources."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import feedparser
import pikepdf
from conftest import ROOT
from lxml import etree, html

from pipeline.build.output import sha256

SEED = "2026/halmstad-quality-mark"


def page(dist: Path, path: str) -> html.HtmlElement:
    return html.fromstring((dist / path).read_bytes())


def test_every_example_release_is_published_with_every_output(example_dist):
    manifest = json.loads((example_dist / "manifest.json").read_text("utf-8"))
    sources = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "sources").rglob("*.md"))
    assert sorted(e["source"] for e in manifest["releases"]) == sources
    dates = [e["date"] for e in manifest["releases"]]
    assert dates == sorted(dates, reverse=True), "manifest releases are newest first"
    for entry in manifest["releases"]:
        assert set(entry["outputs"]) == {"html", "pdf", "txt", "newsml", "ninjs"}
        for output in list(entry["outputs"].values()) + entry["files"]:
            assert sha256((example_dist / output["path"]).read_bytes()) == output["sha256"]
    seed = next(e for e in manifest["releases"] if e["id"] == "halmstad-2026-quality-mark")
    assert seed["url"] == "https://press.halmstad.se/2026/halmstad-quality-mark/"
    assert seed["source"] == "sources/2026/2026-11-26-halmstad-quality-mark.md"
    assert seed["outputs"]["html"]["path"] == "2026/halmstad-quality-mark/index.html"
    for feed in manifest["feeds"]:
        assert sha256((example_dist / feed["path"]).read_bytes()) == feed["sha256"]
    site_feeds = [f for f in manifest["feeds"] if f["scope"] == "site"]
    assert sorted(f["path"] for f in site_feeds) == ["feed.atom", "feed.json", "feed.rss"]
    assert all(f["entries"] == len(manifest["releases"]) for f in site_feeds)
    topic = next(f for f in manifest["feeds"] if f["scope"] == "topic" and f["key"] == "Stadsutveckling" and f["format"] == "rss")
    assert topic["path"] == "amnen/stadsutveckling/feed.rss" and topic["entries"] == 2


def test_release_page_is_semantic_and_accessible(example_dist):
    doc = page(example_dist, f"{SEED}/index.html")
    assert doc.get("lang") == "sv"
    first_focusable = doc.xpath("//a[@href] | //button | //input")[0]
    assert first_focusable.get("href") == "#main" and first_focusable.text == "Gå direkt till innehåll"
    assert doc.xpath("count(//body/header)") == 1 and doc.xpath("count(//main[@id='main'])") == 1
    assert doc.xpath("count(//body/footer)") == 1
    assert [h.text_content() for h in doc.xpath("//h1")] == ["Halmstad har fått utmärkelsen ”Quality Mark”"]
    levels = [int(h.tag[1]) for h in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    aside = doc.xpath("//aside[contains(@class,'factbox')]")[0]
    heading = aside.xpath("./h2")[0]
    assert heading.text_content() == "Om Quality Mark (QM)" and aside.get("aria-labelledby") == heading.get("id")
    assert doc.xpath("//a[@href='tel:035137350']")[0].text == "035-13 73 50"
    assert doc.xpath("//a[@href='mailto:caroline.bengtsson2@halmstad.se']")
    assert doc.xpath("//a[@href='tel:0729837488']"), "newsroom contact from site.yaml"
    assert doc.xpath("//time/@datetime")[0] == "2026-11-26T09:00:00+01:00"
    assert "Halmstad är landets 18:e största kommun" in doc.text_content()
    quote = [p.text_content() for p in doc.xpath("//div[@class='body']/p")][1]
    assert quote.startswith("– Att få bli omcertifierade"), "the seed's '- ' quote is a dash quote, not a list"
    assert not doc.xpath("//div[@class='body']//ul")


def test_image_table_list_and_link_release(example_dist):
    doc = page(example_dist, "2026/bibliotekets-oppettider-jul/index.html")
    key = doc.xpath("//figure[@class='key-image']")[0]
    img = key.xpath(".//img")[0]
    assert img.get("alt").startswith("Tecknad bild av en bokhylla")
    assert (example_dist / "2026/bibliotekets-oppettider-jul" / img.get("src")).is_file()
    assert "Foto" not in img.get("alt") and "Illustration: Halmstads kommun" in key.xpath(".//figcaption")[0].text_content()
    assert doc.xpath("//table/thead//th")[0].text == "Dag"
    assert len(doc.xpath("//ol/li")) == 3
    assert doc.xpath("//a[@href='https://www.halmstad.se/bibliotek']")[0].text == "bibliotekets webbplats"
    shown = doc.xpath("//main//img[not(ancestor::section[@class='photos'])]")
    assert len(shown) == 2 and all(i.get("alt") for i in shown), "content images describe themselves"
    photos = doc.xpath("//section[@class='photos']//li")
    assert [p.xpath(".//img")[0].get("alt") for p in photos] == ["", ""], "a thumbnail beside its description"
    first = photos[0].text_content()
    assert "Original, PNG, 1\u00a0200 × 675 pixlar" in first and "Illustration: Halmstads kommun" in first
    assert "Licens: Fri att använda i redaktionellt sammanhang med angiven fotograf" in " ".join(first.split())
    attachment = doc.xpath("//section[@class='attachments']//a")[0]
    assert (example_dist / "2026/bibliotekets-oppettider-jul" / attachment.get("href")).is_file()


def test_index_lists_releases_newest_first(example_dist):
    doc = page(example_dist, "index.html")
    links = [a.get("href") for a in doc.xpath("//ol[@class='release-list']//h3/a")]
    assert links == [
        "2026/halmstad-quality-mark/index.html",
        "2026/bibliotekets-oppettider-jul/index.html",
        "2026/harbour-cycle-route/index.html",
    ]
    assert doc.xpath("//li[@lang='en']//a")[0].text.startswith("New cycle route")


def test_pdf_has_metadata_tags_and_embedded_fonts(example_dist):
    path = example_dist / SEED / "halmstad-quality-mark.pdf"
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "sv"
        assert pdf.Root.MarkInfo.Marked is True
        assert len(pdf.Root.StructTreeRoot.K) > 0
        assert str(pdf.docinfo["/Title"]).startswith("Halmstad har fått utmärkelsen ”Quality Mark”")
        assert str(pdf.docinfo["/Author"]) == "Halmstads kommun"
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20261126")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in f for f in fonts), fonts
    assert all("SourceSans3" in f.replace("-", "").replace(" ", "") for f in fonts), "only the bundled font"
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for expected in ("Halmstad har fått utmärkelsen ”Quality Mark”", "Om Quality Mark (QM)", "Caroline Bengtsson", "Sida 1 av 2"):
        assert expected in flat


def test_pdf_links_are_public_addresses_and_images_are_embedded(example_dist):
    with pikepdf.open(example_dist / "2026/bibliotekets-oppettider-jul/bibliotekets-oppettider-jul.pdf") as pdf:
        uris = [str(a.A.URI) for p in pdf.pages for a in p.get("/Annots", []) if "/A" in a and "/URI" in a.A]
        images = [x for p in pdf.pages for x in p.get_images()]
    assert "https://www.halmstad.se/bibliotek" in uris
    assert all(u.startswith(("https://", "tel:", "mailto:")) for u in uris), uris
    assert len(images) >= 2, "key image and body image"


def test_wire_text_follows_press_conventions(example_dist):
    text = (example_dist / SEED / "halmstad-quality-mark.txt").read_bytes()
    assert not text.startswith(b"\xef\xbb\xbf") and b"\r" not in text and text.endswith(b"\n")
    lines = text.decode("utf-8").split("\n")
    assert lines[:4] == ["PRESSMEDDELANDE", "Halmstads kommun, torsdag 26 november 2026", "", "Halmstad har fått utmärkelsen ”Quality Mark”"]
    assert any(line.startswith("– Att få bli omcertifierade") for line in lines)
    for markdown in ("**", "](", ":::", "###"):
        assert markdown not in text.decode("utf-8")
    english = (example_dist / "2026/harbour-cycle-route/harbour-cycle-route.txt").read_text("utf-8").split("\n")
    assert english[0] == "PRESS RELEASE"
    assert next(l for l in english if l.startswith("HALMSTAD, Sweden, Oct. 8, 2026 -- A two-kilometre"))
    assert english.index("###") < english.index("About Halmstad Municipality")
    library = (example_dist / "2026/bibliotekets-oppettider-jul/bibliotekets-oppettider-jul.txt").read_text("utf-8")
    assert "bibliotekets webbplats (https://www.halmstad.se/bibliotek)" in library
    assert "\n1. Skaffa ett lånekort" in library and "Vardagar: 10.00–19.00" in library


def test_feeds_parse_and_carry_full_content(example_dist):
    for name in ("feed.atom", "feed.rss"):
        feed = feedparser.parse((example_dist / name).read_bytes())
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        assert [e.title for e in feed.entries][0] == "Halmstad har fått utmärkelsen ”Quality Mark”"
        assert len({e.id for e in feed.entries}) == len(feed.entries) == 3
        seed = feed.entries[0]
        assert seed.link == "https://press.halmstad.se/2026/halmstad-quality-mark/"
        assert "Om Quality Mark (QM)" in seed.content[0].value
        assert 'src="https://press.halmstad.se/2026/bibliotekets-oppettider-jul/sagostund-900.png"' in feed.entries[1].content[0].value


def test_atom_feed_is_valid_against_the_schema(example_dist):
    schema = ROOT / "pipeline/verify/schemas/atom/atom.rng"
    relaxng = etree.RelaxNG(etree.parse(str(schema)))
    doc = etree.parse(str(example_dist / "feed.atom"))
    assert relaxng.validate(doc), relaxng.error_log
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert doc.xpath("/a:feed/a:link[@rel='self']/@href", namespaces=ns) == ["https://press.halmstad.se/feed.atom"]
    assert doc.xpath("/a:feed/a:updated/text()", namespaces=ns) == ["2026-11-26T09:00:00+01:00"]
    related = doc.xpath("//a:entry[1]/a:link[@rel='related']/@type", namespaces=ns)
    assert related == ["application/pdf"]


def test_the_release_page_links_every_format_with_its_size(example_dist):
    manifest = json.loads((example_dist / "manifest.json").read_text("utf-8"))
    seed = next(e for e in manifest["releases"] if e["id"] == "halmstad-2026-quality-mark")
    links = page(example_dist, f"{SEED}/index.html").xpath("//section[@class='downloads']//li/a")
    assert [(a.get("href"), a.get("type")) for a in links] == [
        ("halmstad-quality-mark.pdf", "application/pdf"),
        ("halmstad-quality-mark.txt", "text/plain"),
        ("halmstad-quality-mark.newsml.xml", "application/vnd.iptc.g2.newsitem+xml"),
        ("halmstad-quality-mark.ninjs.json", "application/json"),
    ]
    for link, kind in zip(links, ("pdf", "txt", "newsml", "ninjs")):
        assert (example_dist / SEED / link.get("href")).is_file()
        kilobytes = max(1, round(seed["outputs"][kind]["bytes"] / 1000))
        assert link.text_content().endswith(f"{kilobytes} kB)"), link.text_content()
    assert [a.text_content().split(" (")[0] for a in links] == [
        "PDF", "Text för nyhetsbyråer", "NewsML-G2 för redaktionssystem", "ninjs för redaktionssystem"]
    assert links[0].text_content().startswith(f"PDF ({seed['outputs']['pdf']['pages']} sidor, ")


def test_web_servers_are_told_the_press_room_is_utf8(example_dist):
    manifest = json.loads((example_dist / "manifest.json").read_text("utf-8"))
    assets = {a["path"] for a in manifest["assets"]}
    assert {".htaccess", "web.config"} <= assets
    htaccess = (example_dist / ".htaccess").read_text("utf-8")
    assert "AddCharset utf-8 .txt" in htaccess and "AddType application/atom+xml .atom" in htaccess
    config = etree.parse(str(example_dist / "web.config"))
    types = dict(zip(config.xpath("//mimeMap/@fileExtension"), config.xpath("//mimeMap/@mimeType")))
    assert types[".txt"] == "text/plain; charset=utf-8" and types[".atom"] == "application/atom+xml; charset=utf-8"


def test_an_operators_own_server_file_is_left_alone(project):
    from conftest import NOW, export, release, write_tree

    write_tree(project, {"sources/2026/r.md": release("title: R\ndate: 2026-11-20\n"), "dist/.htaccess": "Require all granted\n"})
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    assert (project / "dist/.htaccess").read_text() == "Require all granted\n"
    assert (project / "dist/web.config").is_file()
    assert ".htaccess" not in {a["path"] for a in json.loads((project / "dist/manifest.json").read_text())["assets"]}
