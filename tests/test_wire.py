"""Wire services and news agencies: plain text, NewsML-G2 and ninjs."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree, html

from conftest import NOW, ROOT, export, png, release, tree, write_tree
from pipeline.render.wiretext import fold_ascii, wrap
from pipeline.build.export import export as run_export
from pipeline.verify import published
from pipeline.verify.pdf_check import Expected, check_pdf, check_with_tools

SCHEMAS = ROOT / "pipeline" / "verify" / "schemas"
G2 = {"g": "http://iptc.org/std/nar/2006-10-01/"}


@pytest.fixture(scope="session")
def newsml_schema():
    return published.newsml_schema()


@pytest.fixture(scope="session")
def ninjs_validator():
    return published.ninjs_validator()


def outputs(dist: Path, kind: str) -> list[Path]:
    manifest = json.loads((dist / "manifest.json").read_text())
    return [dist / e["outputs"][kind]["path"] for e in manifest["releases"]]


def test_every_newsml_item_is_valid(example_dist, newsml_schema):
    paths = outputs(example_dist, "newsml")
    assert len(paths) == 3
    for path in paths:
        doc = etree.parse(str(path))
        assert newsml_schema.validate(doc), (path, newsml_schema.error_log)
        text = doc.findtext(".//g:inlineData", namespaces=G2)
        assert text == path.with_name(path.name.replace(".newsml.xml", ".txt")).read_text("utf-8")


def test_every_ninjs_document_is_valid(example_dist, ninjs_validator):
    paths = outputs(example_dist, "ninjs")
    assert len(paths) == 3
    for path in paths:
        errors = [e.message for e in ninjs_validator.iter_errors(json.loads(path.read_text("utf-8")))]
        assert errors == [], (path, errors)


def test_the_validators_reject_broken_documents(example_dist, newsml_schema, ninjs_validator):
    """Guards the guards."""
    doc = etree.parse(str(outputs(example_dist, "newsml")[0]))
    meta = doc.find(".//g:itemMeta", namespaces=G2)
    meta.insert(0, meta.find("g:versionCreated", namespaces=G2))  # wrong order
    assert not newsml_schema.validate(doc)
    item = json.loads(outputs(example_dist, "ninjs")[0].read_text())
    item["versioncreated"] = item.pop("versionCreated")  # the 2.x spelling
    assert list(ninjs_validator.iter_errors(item))


def test_identity_and_version_follow_the_release_id_and_its_corrections(example_dist):
    seed = etree.parse(str(example_dist / "2026/halmstad-quality-mark/halmstad-quality-mark.newsml.xml")).getroot()
    corrected = etree.parse(str(example_dist / "2026/harbour-cycle-route/harbour-cycle-route.newsml.xml")).getroot()
    assert seed.get("version") == "1" and corrected.get("version") == "2"
    feed = etree.parse(str(example_dist / "feed.atom"))
    ids = feed.xpath("//a:entry/a:id/text()", namespaces={"a": "http://www.w3.org/2005/Atom"})
    assert seed.get("guid") in ids and corrected.get("guid") in ids, "one identity in every format"
    ninjs = json.loads((example_dist / "2026/harbour-cycle-route/harbour-cycle-route.ninjs.json").read_text())
    assert ninjs["uri"] == corrected.get("guid") and ninjs["version"] == "2"


EMBARGOED = "title: Nyhet under embargo\ndate: 2026-11-26T09:00:00+01:00\nembargo: 2026-11-26T10:00:00+01:00\nplace: Halmstad\n"


def test_an_embargoed_press_copy_goes_to_its_own_folder_only(project):
    write_tree(project, {
        "sources/2026/sv.md": release(EMBARGOED),
        "sources/2026/en.md": release(EMBARGOED.replace("Nyhet under embargo", "News under embargo") + "lang: en\n"),
    })
    run = export("sources", "--now", "2026-11-25T12:00:00+01:00", "--embargoed", "press-copy")
    assert run.exit_code == 0, run.stderr
    assert "2 embargoed press copies in press-copy" in run.stdout
    assert not (project / "dist/2026").exists()
    swedish = (project / "press-copy/2026/sv/sv.txt").read_text("utf-8").split("\n")
    assert swedish[:3] == ["PRESSMEDDELANDE", "Testkommunen, torsdag 26 november 2026",
                           "EMBARGO: Får publiceras tidigast torsdag 26 november 2026 kl. 10.00"]
    english = (project / "press-copy/2026/en/en.txt").read_text("utf-8").split("\n")
    assert english[:2] == ["PRESS RELEASE", "EMBARGOED UNTIL 10 a.m. CET, Thursday, Nov. 26, 2026"]
    item = etree.parse(str(project / "press-copy/2026/sv/sv.newsml.xml"))
    assert item.findtext(".//g:embargoed", namespaces=G2) == "2026-11-26T10:00:00+01:00"
    ninjs = json.loads((project / "press-copy/2026/sv/sv.ninjs.json").read_text())
    assert ninjs["embargoedUntil"] == "2026-11-26T10:00:00+01:00"
    # Once public, the same release carries no embargo mark.
    export("sources", "--now", "2026-11-26T10:00:00+01:00", "-q")
    assert "EMBARGO" not in (project / "dist/2026/sv/sv.txt").read_text("utf-8")
    assert "embargoedUntil" not in json.loads((project / "dist/2026/sv/sv.ninjs.json").read_text())


def test_a_press_copy_is_removed_once_its_embargo_lifts_or_its_release_goes(project):
    write_tree(project, {
        "sources/2026/sv.md": release(EMBARGOED),
        "sources/2026/later.md": release(EMBARGOED.replace("26T", "28T").replace("Nyhet", "Senare nyhet")),
        "press-copy/agency-notes.txt": "the operator's own file\n",
    })
    before = "2026-11-25T12:00:00+01:00"
    assert export("sources", "--now", before, "--embargoed", "press-copy", "-q").exit_code == 0
    assert (project / "press-copy/2026/sv/sv.txt").is_file() and (project / "press-copy/2026/later/later.txt").is_file()
    listed = json.loads((project / "press-copy/press-copies.json").read_text())
    assert [r["source"] for r in listed["releases"]] == ["sources/2026/later.md", "sources/2026/sv.md"]

    # The first embargo lifts: its copy goes, the other stays; then the other is withdrawn (deleted).
    run = export("sources", "--now", "2026-11-27T12:00:00+01:00", "--embargoed", "press-copy", "-q")
    assert run.exit_code == 0, run.stderr
    assert not (project / "press-copy/2026/sv").exists()
    assert (project / "press-copy/2026/later/later.txt").is_file()
    (project / "sources/2026/later.md").unlink()
    assert export("sources", "--now", "2026-11-27T12:00:00+01:00", "--embargoed", "press-copy", "-q").exit_code == 0
    left = sorted(tree(project / "press-copy"))
    assert left == ["agency-notes.txt", "index.html", "press-copies.json"]
    emptied = (project / "press-copy/index.html").read_text("utf-8")
    assert "<h2>" not in emptied and "Inget pressmeddelande är under embargo nu." in emptied


def test_a_press_copy_holds_everything_a_journalist_gets(project):
    """The PDF (marked with the embargo on its first page and in its metadata, an archival PDF like any other), the
    images, and an index a reader opens; a second export prints nothing again."""
    write_tree(project, {
        "sources/2026/sv.md": release(EMBARGOED + "image: {src: bild.png, alt: En bild}\n",
                                      "Text.\n\n![Karta över platsen](karta.png)\n"),
        "sources/2026/bild.png": png(), "sources/2026/karta.png": png(60, 40),
        "sources/2026/later.md": release(EMBARGOED.replace("26T10", "27T10").replace("Nyhet under", "En <b>annan</b>")),
    })
    run = export("sources", "--now", "2026-11-25T12:00:00+01:00", "--embargoed", "press-copy")
    assert run.exit_code == 0, run.stderr
    copy = project / "press-copy/2026/sv"
    assert sorted(tree(copy)) == ["bild-40.png", "bild-40.webp", "bild.png", "karta-60.png", "karta-60.webp", "karta.png",
                                  "sv.newsml.xml", "sv.ninjs.json", "sv.pdf", "sv.txt"]  # the images, in their web sizes too
    assert (copy / "bild.png").read_bytes() == png()
    pdf = (copy / "sv.pdf").read_bytes()
    first_page = subprocess.run(["pdftotext", "-l", "1", "-", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "Får publiceras tidigast torsdag 26 november 2026 kl. 10.00" in first_page.split("Nyhet under embargo")[0]
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True).stdout.decode()
    assert re.search(r"Subject: +Får publiceras tidigast torsdag 26 november 2026 kl. 10.00", info)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        record = next(spec.EF.F.read_bytes() for spec in document.Root.AF if str(spec.UF) == "release.json")
    assert json.loads(record)["embargo"] == "2026-11-26T10:00:00+01:00"
    source = project / "sources/2026/sv.md"
    expected = Expected(title="Nyhet under embargo", lang="sv", headings=(1,), source_name="sv.md",
                        source=source.read_bytes())
    assert check_pdf(pdf, expected) + check_with_tools(copy / "sv.pdf") == []

    index = html.fromstring((project / "press-copy/index.html").read_bytes())
    assert [h.text_content() for h in index.iter("h2")] == ["Nyhet under embargo", "En <b>annan</b> embargo"], "by embargo"
    links = index.xpath("//section[1]//a/@href")
    assert sorted(links) == sorted(f"2026/sv/{name}" for name in tree(copy))
    assert index.xpath("string(//section[2]//p)") == "Får publiceras tidigast fredag 27 november 2026 kl. 10.00"

    # A second export renders nothing again: the press copies stand as they are.
    rendered = Counting()
    run_export(Path("sources"), Path("dist"), datetime.fromisoformat("2026-11-25T13:00:00+01:00"), rendered,
               embargoed=Path("press-copy"), jobs=1)
    assert rendered.totals == [0] and not rendered.problems

    # An index.html of the operator's own (or a folder of that name) is never overwritten.
    (project / "other").mkdir()
    (project / "other/index.html").write_text("<p>ours</p>")
    run = export("sources", "--now", "2026-11-25T13:00:00+01:00", "--embargoed", "other", "-q")
    assert (project / "other/index.html").read_text() == "<p>ours</p>"
    assert "other/index.html: warning: this is not the press copies' index, and is left as it is" in run.stderr
    (project / "third/index.html").mkdir(parents=True)
    run = export("sources", "--now", "2026-11-25T13:00:00+01:00", "--embargoed", "third", "-q")
    assert "third/index.html: warning: this is not the press copies' index" in run.stderr and run.exit_code == 0


class Counting:
    """A reporter that keeps how many releases each export rendered, and the problems."""

    def __init__(self):
        self.totals, self.problems = [], []

    def problem(self, problem): self.problems.append(problem)
    def begin(self, total): self.totals.append(total)
    def advance(self): pass
    def end(self): pass
    def release(self, status, path, detail=""): pass


def test_a_press_copy_that_cannot_be_printed_leaves_its_release_waiting_for_its_time(project):
    write_tree(project, {"sources/2026/sv.md": release(EMBARGOED, "Ett tecken ingen font har: 𓂀.\n")})
    run = export("sources", "--now", "2026-11-25T12:00:00+01:00", "--embargoed", "press-copy", expect=1)
    assert "sources/2026/sv.md:8: error: the character '𓂀' (U+13080 EGYPTIAN HIEROGLYPH D010) is in none" in run.stderr
    assert "embargo    sources/2026/sv.md (until 2026-11-26 10:00 CET)" in run.stdout + run.stderr
    assert "next publication: torsdag 26 november 2026 kl. 10.00 (sv)" in run.stdout + run.stderr
    assert "0 embargoed press copies in press-copy; 1 under embargo, 0 failed: 1 error" in run.stderr
    assert not (project / "dist/2026").exists() and not (project / "press-copy/2026").exists()


def test_the_press_copy_may_not_be_published(project):
    write_tree(project, {"sources/2026/sv.md": release(EMBARGOED)})
    export("sources", "--embargoed", "themes/default/static", expect=2)  # the theme's files are published
    export("sources", "--embargoed", "dist/agencies", expect=2)
    export("sources", "--embargoed", ".", expect=2)  # it holds the sources and the output
    assert "--embargoed .cache/copies must lie outside" in export("sources", "--embargoed", ".cache/copies", expect=2).stderr
    export("sources", "--embargoed", ".dist.snapshots/copies", expect=2)


def test_width_and_ascii_settings(project):
    site = "name: Testkommunen\nurl: https://press.example.org/\nlang: sv\nwire: {width: 40, ascii: true}\n"
    body = (
        "Första stycket är långt nog för att behöva brytas flera gånger när bredden är fyrtio tecken.\n\n"
        "— Det här är ett citat med ”citattecken” och ett tankstreck – mitt i, säger Åsa Öberg.\n\n"
        "- ett\n- två\n\n"
        "Läs mer på https://www.example.org/en/mycket/lang/adress/som/inte/far/brytas/alls.html idag.\n"
    )
    write_tree(project, {"sources/site.yaml": site, "sources/2026/r.md": release("title: Rubrik\ndate: 2026-11-26\n", body)})
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    data = (project / "dist/2026/r/r.txt").read_bytes()
    text = data.decode("ascii")  # nothing but ASCII
    lines = text.split("\n")
    url = "https://www.example.org/en/mycket/lang/adress/som/inte/far/brytas/alls.html"
    assert url in lines
    assert all(len(line) <= 40 for line in lines if url not in line)
    assert '- Det har ar ett citat med "citattecken" och ett' in text.replace("\n", " ")
    assert "* ett\n* tva" in text, "list items stay items"
    assert "Asa Oberg" in " ".join(text.split())


def test_dash_quotes_are_normalised_and_list_items_never(project):
    body = "— Med långt tankstreck, säger A.\n\n- Med bindestreck, säger B.\n\nEn lista:\n\n- en punkt\n- en till\n"
    write_tree(project, {"sources/2026/r.md": release("title: Rubrik\ndate: 2026-11-26\n", body)})
    export("sources", "--now", NOW, "-q")
    text = (project / "dist/2026/r/r.txt").read_text("utf-8")
    assert "\n– Med långt tankstreck, säger A.\n" in text
    assert "\n– Med bindestreck, säger B.\n" in text
    assert "\n• en punkt\n• en till\n" in text


words = st.text(st.characters(whitelist_categories=("Ll", "Lu", "Nd"), whitelist_characters="åäöÅÄÖ.,–"), min_size=1, max_size=25)
urls = st.builds(lambda p: f"https://example.org/{p}", st.text("abcdefghijklmnopqrstuvwxyz/-_", min_size=1, max_size=60))


@given(st.lists(st.one_of(words, urls), min_size=1, max_size=60), st.integers(min_value=20, max_value=100))
def test_wrapping_keeps_every_word_and_url_whole(tokens, width):
    text = " ".join(tokens)
    wrapped = wrap(text, width)
    assert wrapped.split() == text.split(), "no word lost, added or split"
    for line in wrapped.split("\n"):
        assert len(line) <= width or len(line.split()) == 1, "only a single unbreakable token may be longer"
    for token in tokens:
        if token.startswith("https://"):
            assert any(token in line.split() for line in wrapped.split("\n")), "a URL stays on one line"


@given(st.text(st.characters(whitelist_categories=("Lu", "Ll")), max_size=60))
def test_ascii_folding_keeps_each_letter_as_its_base_letter(text):
    folded = fold_ascii(text)
    assert folded.isascii()
    assert folded == "".join(fold_ascii(ch) for ch in text), "each letter folds on its own, in order"
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)[0]
        if ch.isascii():
            assert fold_ascii(ch) == ch
        elif base.isascii() and base.isalpha():
            assert fold_ascii(ch).startswith(base), f"{ch!r} should read {base!r}"


def test_ascii_folding_spells_names_as_a_reader_would():
    assert fold_ascii("Åsa Öberg från Ærø, Łódź – ”Välkomna” …") == 'Asa Oberg fran AEro, Lodz - "Valkomna" ...'


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(words, urls), min_size=1, max_size=4))
def test_every_link_url_in_the_source_is_in_the_text(tmp_path_factory, links):
    from pipeline.body.document import convert
    from pipeline.source.load import load_release, load_site
    from pipeline.render.wiretext import text_of

    root = tmp_path_factory.mktemp("links") / "sources"
    root.mkdir()
    (root / "site.yaml").write_text("name: X\nurl: https://press.example.org/\nlang: sv\n", "utf-8")
    body = "\n\n".join(f"Se [{text}]({url}) och mer." for text, url in links)
    (root / "r.md").write_text(release("title: Rubrik\ndate: 2026-11-26\n", body), "utf-8")
    site, _ = load_site(root / "site.yaml")
    doc = convert(load_release(root / "r.md", site)[0], site, {})
    text = text_of(doc, datetime(2026, 11, 27, tzinfo=timezone.utc))
    for _, url in links:
        assert url in text
    assert not re.search(r"\]\(|\*\*|^#", text, re.M), "no Markdown left"


def test_press_copies_into_a_folder_with_another_manifest_delete_none_of_its_files(project):
    write_tree(project, {"sources/2026/sv.md": release(EMBARGOED), "sources/2026/ute.md": release("title: Ute\ndate: 2026-11-20\n")})
    export("sources", "--now", "2026-11-25T12:00:00+01:00", "-q")
    shutil.copytree(project / "dist", project / "old-dist")
    before = tree(project / "old-dist")
    export("sources", "--now", "2026-11-25T12:00:00+01:00", "--embargoed", "old-dist", "-q")
    after = tree(project / "old-dist")
    assert set(before) <= set(after), "files the export did not write as press copies are left alone"
