"""`press import`: a press release written in Word or LibreOffice becomes a release source that exports.

The documents are written in the tests, in Word's own styles (tests/wordmaker.py); each imported source is
read back with the pipeline's own loader and compared field by field, then exported.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from conftest import ROOT, export
from wordmaker import Word, as_odt, jpeg, png, seed_as_word

from pipeline.cli import main
from pipeline.source.load import load_release, load_site

ZONE = ZoneInfo("Europe/Stockholm")
EXAMPLE = "sources/2026/2026-11-26-halmstad-quality-mark.md"


def press_import(*args: str, expect: int | None = 0):
    result = CliRunner().invoke(main, ["import", *args], catch_exceptions=False)
    if expect is not None:
        assert result.exit_code == expect, f"press import {' '.join(args)} exited {result.exit_code}:\n{result.stderr}"
    return result


@pytest.fixture
def room(tmp_path, monkeypatch):
    """The example press room's settings (its boilerplate and contacts), with no release yet."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sources/media").mkdir(parents=True)
    shutil.copy(ROOT / "sources/site.yaml", tmp_path / "sources/site.yaml")
    shutil.copy(ROOT / "sources/media/logo.svg", tmp_path / "sources/media/logo.svg")
    return tmp_path


def loaded(path: str):
    site, problems = load_site(Path("sources/site.yaml"))
    assert site, problems.items
    release, problems = load_release(Path(path), site)
    assert release is not None, [p.message for p in problems.items]
    return release, [p for p in problems.items]


def notes(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": note: " in line]


def words(text: str) -> str:
    return " ".join(text.replace("- ", "– ", 1).split())


def test_the_example_release_rebuilt_in_word_gives_back_the_example_source(room):
    seed_as_word().save(room / "quality-mark.docx")
    result = press_import("quality-mark.docx")
    path = "sources/2026/2026-11-26-halmstad-har-fatt-utmarkelsen-quality-mark.md"
    assert result.stdout.splitlines() == [path]
    imported, problems = loaded(path)
    assert problems == []
    shutil.copytree(ROOT / "sources/2026", room / "sources/example")
    example, _ = loaded("sources/example/" + Path(EXAMPLE).name)
    for field in ("title", "date", "type", "lang", "place", "lead", "topics", "regions", "contacts", "image",
                  "attachments", "embargo", "draft", "boilerplate"):
        assert getattr(imported, field) == getattr(example, field), field
    # The body: the same paragraphs, the quote opened with the dash the example's '- ' is read as.
    assert words(imported.body) == words(example.body.replace("\n", " "))
    assert "\n::: factbox\n### Om Quality Mark (QM)\n" in imported.body
    # What was recognised is said, on the line it concerns.
    said = notes(result)
    assert f"{path}:2: note: the title is the document's Title paragraph" in said
    assert f"{path}:3: note: the date is taken from the dateline 'Halmstad, 26 november 2026 kl. 09.00'" in said
    assert any(line.startswith(f"{path}:14: note: Johanna Wisjö is one of the press room's contacts") for line in said)
    assert any("'Hemstaden, kunskapsstaden och upplevelsestaden' is the press room's boilerplate" in line for line in said)
    shutil.rmtree(room / "sources/example")
    run = export("sources", "--now", "2026-11-27T12:00")
    assert run.problems == [], run.stderr
    page = (room / "dist/2026/halmstad-har-fatt-utmarkelsen-quality-mark/index.html").read_text("utf-8")
    assert page.count("Caroline Bengtsson") >= 2 and "Hemstaden, kunskapsstaden" in page  # the boilerplate, once
    assert page.count("Hemstaden, kunskapsstaden") == 1


def swedish_document() -> Word:
    w = Word()
    w.para("PRESSMEDDELANDE")
    w.title("Nya öppettider på Stadsbiblioteket från januari")
    w.para("Halmstad, 3 december 2026 kl. 10.00")
    w.bold("Från den 7 januari har Stadsbiblioteket öppet längre på kvällarna och även på söndagar.")
    w.link("Läs mer om biblioteket på ", "kommunens webbplats", "https://www.halmstad.se/bibliotek", ".")
    w.changed("Beslutet fattades av ", "kultur- och fritidsnämnden ", "kommunstyrelsen ", "i november.")
    w.comment("Förändringen gäller alla filialer", "Stämmer det för Getinge?")
    w.para("Utlåningen\u00a0\u00a0\u00a0\u00a0pågar som vanligt.", ("br", ""), ("br", ""), "Återlämning sker i automaten.")
    w.para("")
    w.picture(jpeg(), alt="Stadsbibliotekets entré en vintermorgon.", caption="Stadsbiblioteket vid Nissan. Foto: Anna Berg")
    w.heading("Öppettider", 1)
    w.table([["Dag", "Tid"], ["Måndag–fredag", "08–21"], ["Lördag–söndag", "10–17"]])
    w.para("Så lånar du e-böcker:")
    w.items("Logga in med ditt lånekort", "Välj en bok", "Läs i appen", numbered=True)
    w.picture(png(), alt=None)
    w.para("-- Vi vill att fler ska kunna använda biblioteket efter jobbet, säger Sara Holm, bibliotekschef.")
    w.box("Fakta", "Stadsbiblioteket har 400 000 besökare om året.", "Huset ritades av Henning Larsen.")
    w.bold("För mer information, kontakta:")
    w.para("Sara Holm, bibliotekschef", ("br", ""), "Tel: 035-13 70 00", ("br", ""), "E-post: sara.holm@halmstad.se")
    w.para("Per Ek, kommunikatör, 035-13 70 01, per.ek@halmstad.se")
    w.bold("Om Halmstads kommun")
    w.para("Halmstad är landets 18:e största kommun med över 105 000 invånare.")
    return w


SWEDISH = "sources/2026/2026-12-03-nya-oppettider-pa-stadsbiblioteket-fran-januari.md"
SWEDISH_SLUG = "nya-oppettider-pa-stadsbiblioteket-fran-januari"


def test_a_word_release_with_every_part_is_imported_field_by_field_and_exports_once_its_alt_text_is_written(room):
    swedish_document().save(room / "Pressmeddelande bibliotek.docx")
    result = press_import("Pressmeddelande bibliotek.docx", expect=1)  # one image has no alt text: left to fill in
    assert result.stdout.splitlines() == [f"sources/2026/{SWEDISH_SLUG}-1.jpg", f"sources/2026/{SWEDISH_SLUG}-2.png", SWEDISH]
    text = (room / SWEDISH).read_text("utf-8")
    body = text.split("\n---\n", 1)[1]
    line_of = {line: n for n, line in enumerate(text.split("\n"), 1)}
    image_line = line_of[f"![](/{SWEDISH_SLUG}-2.png)".replace("(/", "(")]
    assert result.stderr.count(": error: ") == 1
    assert f"{SWEDISH}:{image_line}: error: image '{SWEDISH_SLUG}-2.png' has no alt text; describe it between the " \
           "brackets" in result.stderr
    assert "Fix the errors above in the written file" in result.stderr

    text = text.replace(f"![]({SWEDISH_SLUG}-2.png)", f"![Skärmbild av appen med en e-bok.]({SWEDISH_SLUG}-2.png)")
    (room / SWEDISH).write_text(text, "utf-8")
    release, problems = loaded(SWEDISH)
    assert problems == []
    assert release.title == "Nya öppettider på Stadsbiblioteket från januari"
    assert release.type == "Pressmeddelande" and release.place == "Halmstad" and release.lang == "sv"
    assert release.date == datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)
    assert release.lead == "Från den 7 januari har Stadsbiblioteket öppet längre på kvällarna och även på söndagar."
    assert [(c.name, c.role, c.phone, c.email) for c in release.contacts] == [
        ("Sara Holm", "bibliotekschef", "035-13 70 00", "sara.holm@halmstad.se"),
        ("Per Ek", "kommunikatör", "035-13 70 01", "per.ek@halmstad.se")]
    image = release.image
    assert (image.src.name, image.alt, image.caption, image.credit) == (
        f"{SWEDISH_SLUG}-1.jpg", "Stadsbibliotekets entré en vintermorgon.", "Stadsbiblioteket vid Nissan.", "Foto: Anna Berg")
    assert image.src.read_bytes()[:3] == b"\xff\xd8\xff"
    # The body: links, accepted changes, no comment, spacing undone, the table and list, the quote, the fact box.
    assert "[kommunens webbplats](https://www.halmstad.se/bibliotek)" in body
    assert "Beslutet fattades av kultur- och fritidsnämnden i november." in body and "kommunstyrelsen" not in body
    assert "Getinge" not in text and "\n\nFörändringen gäller alla filialer\n\n" in body
    assert "\n\nUtlåningen pågar som vanligt.\n\nÅterlämning sker i automaten.\n\n" in body
    assert "\n## Öppettider\n\n| Dag " in body and "| Måndag–fredag | 08–21 |" in body and "{" not in body
    assert "\n1.  Logga in med ditt lånekort\n2.  Välj en bok\n3.  Läs i appen\n" in body
    assert "\n– Vi vill att fler ska kunna använda biblioteket efter jobbet, säger Sara Holm, bibliotekschef.\n" in body
    assert "\n::: factbox\n### Fakta\n\nStadsbiblioteket har 400 000 besökare om året.\n\nHuset ritades av Henning Larsen.\n:::" in body
    for left_out in ("PRESSMEDDELANDE", "Halmstad, 3 december", "För mer information", "Tel:", "per.ek@",
                     "18:e största", "Om Halmstads kommun", "\u00a0"):
        assert left_out not in body, left_out
    said = notes(result)
    for note in ("the comment by Anna Berg 'Stämmer det för Getinge?' is left out",
                 "a tracked change is accepted here: inserted 'kultur- och fritidsnämnden'; deleted 'kommunstyrelsen'",
                 "'Fakta' (a table of one cell) is a fact box",
                 "the lead is the first paragraph, which is bold", "Per Ek is a contact person",
                 "the quote's opening '--' is written as the dash '–'"):
        assert any(note in line for line in said), note
    assert any(line.startswith(f"{SWEDISH}:{line_of['Förändringen gäller alla filialer']}: note: the comment by")
               for line in said)
    changed = line_of["Beslutet fattades av kultur- och fritidsnämnden i november."]
    assert any(line.startswith(f"{SWEDISH}:{changed}: note: a tracked change is accepted here") for line in said)

    run = export("sources", "--now", "2026-12-03T12:00")
    assert run.problems == [], run.stderr
    page = (room / f"dist/2026/{SWEDISH_SLUG}/index.html").read_text("utf-8")
    assert '<aside class="factbox"' in page or 'class="factbox"' in page
    assert (room / f"dist/2026/{SWEDISH_SLUG}/{SWEDISH_SLUG}-1.jpg").is_file()


def test_an_odt_from_libreoffice_is_imported_as_a_word_document_is(room):
    w = Word()
    w.title("Nya öppettider på Stadsbiblioteket från januari")
    w.para("Halmstad, 3 december 2026 kl. 10.00")
    w.bold("Från den 7 januari har Stadsbiblioteket öppet längre på kvällarna och även på söndagar.")
    w.para("Biblioteket får fler besökare än någonsin.")
    w.picture(jpeg(), caption="Stadsbiblioteket vid Nissan. Foto: Anna Berg")
    w.items("Logga in", "Välj en bok", numbered=True)
    w.bold("Kontakt")
    w.para("Sara Holm, bibliotekschef, 035-13 70 00")
    w.save(room / "bibliotek.docx")
    as_odt(room / "bibliotek.docx", room / "bibliotek.odt", alt="Stadsbibliotekets entré en vintermorgon.",
           comment=("Per Ek", "Ska vi nämna söndagarna?"), deleted="Biblioteket stänger tidigt.")
    (room / "bibliotek.docx").unlink()
    result = press_import("bibliotek.odt")
    release, problems = loaded(SWEDISH)
    assert problems == []
    assert release.title == "Nya öppettider på Stadsbiblioteket från januari"
    assert release.date == datetime(2026, 12, 3, 10, 0, tzinfo=ZONE) and release.place == "Halmstad"
    assert release.lead.startswith("Från den 7 januari")
    assert (release.image.alt, release.image.caption, release.image.credit) == (
        "Stadsbibliotekets entré en vintermorgon.", "Stadsbiblioteket vid Nissan.", "Foto: Anna Berg")
    assert [(c.name, c.role, c.phone) for c in release.contacts] == [("Sara Holm", "bibliotekschef", "035-13 70 00")]
    assert "1.  Logga in\n2.  Välj en bok" in release.body and "stänger tidigt" not in release.body
    said = notes(result)
    assert any("the title is the document's Title paragraph" in line for line in said)
    assert any("the comment by Per Ek 'Ska vi nämna söndagarna?' is left out" in line for line in said)
    assert any("1 tracked change in the document was accepted" in line for line in said)
    assert export("sources", "--now", "2026-12-03T12:00").problems == []


def test_an_english_release_is_found_to_be_english_with_its_lead_quote_fact_box_and_contacts(room):
    w = Word()
    w.heading("Harbour cycle route opens on Saturday", 1)
    w.para("Halmstad, 8 October 2026 at 9:30 a.m.")
    w.subtitle("The new route links the station with the beach in twelve minutes, along the harbour.")
    w.para("The route is four kilometres long and runs along the harbour from the station to the beach. It is lit "
           "all night and cleared of snow in the winter, so that it can be used all year by everyone who lives here.")
    w.para('"We are proud of a route that people can use every day of the year," said Jane Doe, head of planning.')
    w.heading("About the route", 2)
    w.para("It cost 12 million kronor and took a year to build.")
    w.heading("Media contact", 2)
    w.para("Jane Doe, head of planning")
    w.para("Phone: +46 35 13 70 00")
    w.para("Email: jane.doe@example.org")
    w.para("John Smith, press officer, +46 35 13 70 01")
    w.save(room / "cycle route.docx")
    result = press_import("cycle route.docx")
    path = "sources/2026/2026-10-08-harbour-cycle-route-opens-on-saturday.md"
    release, problems = loaded(path)
    assert problems == []
    assert release.lang == "en" and release.title == "Harbour cycle route opens on Saturday"
    assert release.date == datetime(2026, 10, 8, 9, 30, tzinfo=ZONE)
    assert release.lead == "The new route links the station with the beach in twelve minutes, along the harbour."
    assert '\n"We are proud of a route that people can use every day of the year," said Jane Doe' in release.body
    assert "\n::: factbox\n### About the route\n\nIt cost 12 million kronor" in release.body
    assert [(c.name, c.role, c.phone, c.email) for c in release.contacts] == [
        ("Jane Doe", "head of planning", "+46 35 13 70 00", "jane.doe@example.org"),
        ("John Smith", "press officer", "+46 35 13 70 01", None)]
    assert any(f"{path}:5: note: the text reads as English, so the release is in 'en'" in line for line in notes(result))
    assert any("the lead is the paragraph styled 'Subtitle'" in line for line in notes(result))
    run = export("sources", "--now", "2026-10-09T12:00")
    assert run.problems == []
    assert '<html lang="en"' in (room / "dist/2026/harbour-cycle-route-opens-on-saturday/index.html").read_text("utf-8")


def test_an_embargo_line_in_the_document_keeps_the_release_from_everyone_until_it_lifts(room):
    w = Word()
    w.para("EMBARGO: 3 december 2026 kl. 10.00")
    w.title("Budgeten för 2027 är klar")
    w.para("Halmstad, 2 december 2026")
    w.bold("Kommunstyrelsen föreslår en budget med mer pengar till skolan.")
    w.para("Förslaget behandlas av fullmäktige i december.")
    w.save(room / "budget.docx")
    result = press_import("budget.docx")
    path = "sources/2026/2026-12-02-budgeten-for-2027-ar-klar.md"
    release, _ = loaded(path)
    assert release.embargo == datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)
    assert "EMBARGO" not in release.body
    assert any("the embargo is taken from 'EMBARGO: 3 december 2026 kl. 10.00'" in line for line in notes(result))
    export("sources", "--now", "2026-12-03T09:59")
    assert not list((room / "dist").rglob("*budget*")) and "budget" not in (room / "dist/feed.atom").read_text("utf-8")
    export("sources", "--now", "2026-12-03T10:00")
    assert (room / "dist/2026/budgeten-for-2027-ar-klar/index.html").is_file()


def test_an_embargo_that_cannot_be_read_stops_the_release_instead_of_publishing_it(room):
    w = Word()
    w.title("Budgeten för 2027 är klar")
    w.para("Halmstad, 2 december 2026")
    w.para("Spärrad till torsdag förmiddag")
    w.para("Kommunstyrelsen föreslår en budget med mer pengar till skolan.")
    w.save(room / "budget.docx")
    result = press_import("budget.docx", expect=1)
    path = "sources/2026/2026-12-02-budgeten-for-2027-ar-klar.md"
    text = (room / path).read_text("utf-8")
    line = next(n for n, row in enumerate(text.split("\n"), 1) if row.startswith("embargo:"))
    assert f"{path}:{line}: error: the document says 'Spärrad till torsdag förmiddag', but no date and time could be read" in result.stderr
    assert export("sources", "--now", "2026-12-05T12:00", expect=1).problems[0].startswith(f"{path}:{line}: error:")
    assert not (room / "dist/2026/budgeten-for-2027-ar-klar").exists()


def test_a_document_without_a_date_says_what_is_left_to_fill_in_and_date_gives_it(room):
    w = Word()
    w.title("Ny lekplats i Strandparken")
    w.bold("Strandparken får en ny lekplats med klätterställning.")
    w.para("Lekplatsen byggs under våren och öppnar i maj.")
    w.save(room / "lekplats.docx")
    result = press_import("lekplats.docx", expect=1)
    path = "sources/2026/ny-lekplats-i-strandparken.md"
    assert result.stdout.splitlines() == [path]
    assert f"{path}:3: error: the document gives no date (no dateline such as 'Halmstad, 26 november 2026'); write " \
           "the publication time as 'date'" in result.stderr
    assert (room / path).read_text("utf-8").split("\n")[2] == "date:"
    (room / path).unlink()
    press_import("lekplats.docx", "--date", "2026-12-04T09:00")
    release, problems = loaded("sources/2026/2026-12-04-ny-lekplats-i-strandparken.md")
    assert release.date == datetime(2026, 12, 4, 9, 0, tzinfo=ZONE) and problems == []


def test_an_import_never_overwrites_and_a_dry_run_writes_nothing(room):
    seed_as_word().save(room / "qm.docx")
    dry = press_import("qm.docx", "--dry-run")
    path = "sources/2026/2026-11-26-halmstad-har-fatt-utmarkelsen-quality-mark.md"
    assert dry.stdout.startswith("---\ntitle: Halmstad har fått utmärkelsen ”Quality Mark”\n")
    assert f"would write {path}; nothing was written (--dry-run)" in dry.stderr
    assert sorted(p.name for p in (room / "sources").rglob("*") if p.is_file()) == ["logo.svg", "site.yaml"]
    press_import("qm.docx")
    before = (room / path).read_bytes()
    again = press_import("qm.docx", expect=1)
    assert f"{path}: error: this file is there already, and an import never overwrites" in again.stderr
    assert (room / path).read_bytes() == before
    assert len(list((room / "sources/2026").iterdir())) == 1


def test_text_that_looks_like_markup_stays_text_and_a_script_link_is_not_kept(room):
    w = Word()
    w.title("Säker text")
    w.para("Halmstad, 2 december 2026")
    w.para("Skriv <script>alert(1)</script> eller <b>fet</b> så här, och ![bild](https://example.org/x.png).")
    w.link("En ", "länk", "javascript:alert(1)", " som inte leder någonstans.")
    w.link("En ", "fil", "file:///C:/Users/anna/hemligt.docx", " på någons dator.")
    w.save(room / "safe.docx")
    result = press_import("safe.docx")
    path = "sources/2026/2026-12-02-saker-text.md"
    assert any("the link 'länk' led to 'javascript:alert(1)', which is not a web or e-mail address" in line
               for line in result.stderr.splitlines())
    body = (room / path).read_text("utf-8").split("\n---\n", 1)[1]
    assert "javascript" not in body and "file:" not in body and "C:/Users" not in body
    export("sources", "--now", "2026-12-03T12:00")
    page = (room / "dist/2026/saker-text/index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page and "<b>fet" not in page
    assert "example.org/x.png" not in page.split("<main")[1].split("</main>")[0].replace("!", "") or "<img" not in page.split("<main")[1]


@pytest.mark.parametrize("name, content, says", [
    ("gammal.doc", b"\xd0\xcf\x11\xe0" + bytes(100), "a '.doc' file cannot be imported; open it in Word or LibreOffice and save it as Word Document (.docx)"),
    ("trasig.docx", b"inte en zip", "the file is not a Word document (it may be damaged, or an older format with a new name)"),
    ("anteckning.txt", b"text", "a '.txt' cannot be imported; give a Word document (.docx) or an OpenDocument text (.odt)"),
])
def test_a_file_that_is_no_document_is_one_clear_error_and_writes_nothing(room, name, content, says):
    (room / name).write_bytes(content)
    result = press_import(name, expect=1)
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"{name}: error: {says}") and last.endswith("; nothing was written")
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (room / "sources").rglob("*") if p.is_file()) == ["logo.svg", "site.yaml"]


def test_a_document_that_unpacks_to_more_than_a_document_can_hold_is_refused_before_pandoc_reads_it(room, monkeypatch):
    import pipeline.importing.read as read

    seed_as_word().save(room / "qm.docx")
    with zipfile.ZipFile(room / "qm.docx") as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    monkeypatch.setattr(read, "MOST_UNPACKED", unpacked - 1)  # what a zip bomb does, at a size a test can afford
    monkeypatch.setattr(read, "document_to_ast", lambda *a: pytest.fail("pandoc was given the document"))
    result = press_import("qm.docx", expect=1)
    assert "error: the file unpacks to more than a document can hold" in result.stderr


def test_a_table_with_a_cell_of_two_paragraphs_is_a_grid_table_and_the_page_gives_it_no_fixed_widths(room):
    w = Word()
    w.title("Öppettider i jul")
    w.para("Halmstad, 5 december 2026 kl. 09.00")
    w.table([["Dag", "Tid"], ["Måndag", "08–21"], ["Tisdag", "10–17"]])
    w.document.tables[-1].cell(1, 1).add_paragraph("Stängt vid lunch.")
    w.save(room / "jul.docx")
    press_import("jul.docx")
    release, problems = loaded("sources/2026/2026-12-05-oppettider-i-jul.md")
    assert problems == []
    assert "+========+===================+\n| Måndag | 08–21             |\n|        |                   |\n" \
           "|        | Stängt vid lunch. |" in release.body
    export("sources", "--now", "2026-12-06T12:00")
    page = (room / "dist/2026/oppettider-i-jul/index.html").read_text("utf-8")
    table = page[page.index("<table"):page.index("</table>")]
    assert "<th>Dag</th>" in table.replace("\n", "") or ">Dag<" in table
    assert "style=" not in table and "<col " not in table


def test_an_embargo_line_above_everything_is_the_embargo_and_the_title_style_wins_over_lines_above_it(room):
    w = Word()
    w.para("FOR IMMEDIATE RELEASE")
    w.para("Halmstads kommun")
    w.para("Under embargo till torsdag 3 december 2026 kl. 10.00 GMT")
    w.para("Halmstad 1 december 2026 kl. 09.00")
    w.title("Spärrade vägar i centrum under julen")
    w.subtitle("Tre gator stängs för biltrafik från den 20 december.")
    w.para("Avstängningen gäller till och med trettondagen.")
    w.save(room / "vagar.docx")
    result = press_import("vagar.docx")
    release, problems = loaded("sources/2026/2026-12-01-sparrade-vagar-i-centrum-under-julen.md")
    assert problems == []
    assert release.title == "Spärrade vägar i centrum under julen"
    assert release.embargo == datetime(2026, 12, 3, 11, 0, tzinfo=ZONE)  # 10.00 GMT
    assert release.date == datetime(2026, 12, 1, 9, 0, tzinfo=ZONE) and release.place == "Halmstad"
    assert release.lead == "Tre gator stängs för biltrafik från den 20 december."
    assert release.body.strip() == "Avstängningen gäller till och med trettondagen."
    assert any("'FOR IMMEDIATE RELEASE' is left out" in line for line in notes(result))
    export("sources", "--now", "2026-12-03T10:59")
    assert not (room / "dist/2026/sparrade-vagar-i-centrum-under-julen").exists()


def test_text_that_only_looks_like_a_contact_a_date_or_a_heading_stays_in_the_text(room):
    w = Word()
    w.title("Lekland öppnar i Fyllinge")
    w.para("Halmstad, 1 december 2026")
    w.para("Kontakten med föreningarna har varit god: de har varit med från början.")
    w.para("Mer information: www.halmstad.se/lekland")
    w.para("Contact us on 035-13 70 00 if you want to join.")
    w.bold("Frågor och svar")
    w.para("Vad kostar det? Inget, leklandet är gratis.")
    w.bold("Tid och plats")
    w.para("Lördag 12 december 2026 kl. 14.00")
    w.para("Öppettider:", ("br", ""), "- måndag 10–18", ("br", ""), "- tisdag 10–18")
    w.bold("Kontakt")
    w.para("Anna Berg")
    w.para("Presschef, Region Halland")
    w.para("Telefon: 070-123 45 67")
    w.para("E-post: anna.berg@halland.se")
    w.para("Ring gärna om du har frågor om leklandet.")
    w.save(room / "lekland.docx")
    press_import("lekland.docx")
    release, problems = loaded("sources/2026/2026-12-01-lekland-oppnar-i-fyllinge.md")
    assert problems == []
    for kept in ("Kontakten med föreningarna har varit god: de har varit med från början.",
                 "Mer information: www.halmstad.se/lekland", "Contact us on 035-13 70 00 if you want to join.",
                 "## Frågor och svar", "Vad kostar det? Inget, leklandet är gratis.", "## Tid och plats",
                 "Lördag 12 december 2026 kl. 14.00", "- måndag 10–18", "Ring gärna om du har frågor om leklandet."):
        assert kept in release.body, kept
    assert release.date == datetime(2026, 12, 1, 0, 0, tzinfo=ZONE)
    assert [(c.name, c.role, c.phone, c.email) for c in release.contacts] == [
        ("Anna Berg", "Presschef, Region Halland", "070-123 45 67", "anna.berg@halland.se")]


def test_nothing_typed_in_the_document_becomes_markup_of_the_page(room):
    w = Word()
    w.title("Text som liknar Markdown")
    w.para("Halmstad, 1 december 2026")
    w.para("::: factbox")
    w.para("---")
    w.para(": en definition")
    w.para("Skriv &lt;b&gt; för fetstil.")
    w.link("Se ", "priset", "https://ok.example/)och [klicka här](https://evil.example/", ".")
    w.picture(png(), alt="En röd ruta.", caption='Bildtext ") ![x](../media/logo.svg "x')
    w.picture(png(), alt="En blå ruta.", caption="Andra bilden.")
    w.save(room / "markdown.docx")
    press_import("markdown.docx")
    export("sources", "--now", "2026-12-02T12:00")
    page = (room / "dist/2026/text-som-liknar-markdown/index.html").read_text("utf-8")
    main = page[page.index("<main"):page.index("</main>")]
    assert "::: factbox" in main and main.count('class="factbox"') == 0
    assert "<hr" not in main and "<dl" not in main and "<dt" not in main
    assert "Skriv &amp;lt;b&amp;gt; för fetstil." in main
    assert 'href="https://evil.example/' not in main and "klicka här</a>" not in main
    shown = main[:main.index('<section class="photos"')]  # the press photos' list shows them again, small
    images = re.findall(r"<img [^>]*>", shown)
    assert len(images) == 2 and not any("logo" in image for image in images)  # the key image and the second one


def test_a_document_imported_again_under_another_date_is_refused_not_published_twice(room):
    seed_as_word().save(room / "qm.docx")
    press_import("qm.docx")
    again = press_import("qm.docx", "--date", "2026-11-27T09:00", expect=1)
    assert "sources/2026/2026-11-26-halmstad-har-fatt-utmarkelsen-quality-mark.md: error: this release has the " \
           "document's headline and its date or lead: the document was imported before" in again.stderr
    assert len(list((room / "sources/2026").glob("*.md"))) == 1


def test_a_norwegian_release_is_found_to_be_norwegian(room):
    w = Word()
    w.title("Nytt bibliotek åpner i Bergen")
    w.para("Bergen, 1. desember 2026")
    w.para("Det nye biblioteket åpner etter mye arbeid, og det blir mer plass til bøker. Det var ikke lett, sier "
           "biblioteksjefen, men nå er det ferdig. Hva skjer videre? Det blir kurs for barn og voksne, og også "
           "konserter fra januar av, når det er klart.")
    w.save(room / "bergen.docx")
    press_import("bergen.docx")
    release, _ = loaded("sources/2026/2026-12-01-nytt-bibliotek-apner-i-bergen.md")
    assert release.lang == "nb"


def test_a_disk_that_fills_up_halfway_leaves_neither_the_release_nor_its_images(room, monkeypatch):
    import errno
    import os

    swedish_document().save(room / "bibliotek.docx")
    real_link, linked = os.link, []

    def link(source, target, *args, **kwargs):
        if linked:  # the first image goes in; then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        linked.append(target)
        return real_link(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "link", link)
    result = press_import("bibliotek.docx", expect=1)
    assert linked and "the disk is full" in result.stderr and "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (room / "sources").rglob("*") if p.is_file()) == ["logo.svg", "site.yaml"]


def test_a_plain_document_with_a_letterhead_a_box_heading_and_a_signature_comes_out_as_a_person_would_write_it(room):
    w = Word()
    w.para("Halmstads kommun | Teknik- och fastighetsförvaltningen")
    w.para("Pressmeddelande")
    w.para("Ny gångbro över Nissan öppnar i december")
    w.para("Halmstad 3 december 2026")
    w.para("EMBARGO: 3 december 2026 kl. 10.00")
    w.bold("Den nya gångbron mellan Slottsmöllan och Östra stranden invigs på lördag.")
    w.para("* Preliminära siffror.")
    w.picture(jpeg(), alt="Gångbron i kvällsljus.", caption="Bron sedd från norr.")
    w.para("Foto: Anna Svensson")
    w.heading("Fakta", 2)
    w.items("Längd: 120 meter", "Kostnad: 48 miljoner kronor")
    w.para("För mer information, kontakta: Erik Nilsson, projektledare, 035-13 71 20, erik.nilsson@halmstad.se")
    w.para("Kontakt:")
    w.para("Sofia Andersson")
    w.para("Presschef, Halmstads kommun")
    w.para("035-13 70 10")
    w.para("Med vänliga hälsningar")
    w.para("Kommunikationsavdelningen")
    w.para("ENDS")
    w.save(room / "gangbro.docx")
    result = press_import("gangbro.docx")
    path = "sources/2026/2026-12-03-ny-gangbro-over-nissan-oppnar-i-december.md"
    release, problems = loaded(path)
    assert problems == []
    assert (release.title, release.type, release.place) == ("Ny gångbro över Nissan öppnar i december", "Pressmeddelande",
                                                            "Halmstad")
    assert release.date == release.embargo == datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)  # dated when the embargo lifts
    assert release.lead == "Den nya gångbron mellan Slottsmöllan och Östra stranden invigs på lördag."
    assert (release.image.caption, release.image.credit) == ("Bron sedd från norr.", "Foto: Anna Svensson")
    assert [(c.name, c.role, c.phone) for c in release.contacts] == [
        ("Erik Nilsson", "projektledare", "035-13 71 20"), ("Sofia Andersson", "Presschef, Halmstads kommun", "035-13 70 10")]
    assert release.body == ("\n\\* Preliminära siffror.\n\n::: factbox\n### Fakta\n\n- Längd: 120 meter\n"
                            "- Kostnad: 48 miljoner kronor\n:::\n")
    for left in ("Halmstads kommun | Teknik", "Med vänliga hälsningar / Kommunikationsavdelningen"):
        assert any(left in line for line in result.stderr.splitlines()), left
    assert (room / path).stat().st_mode & 0o044 == 0o044  # readable by colleagues, as the user's other files
    export("sources", "--now", "2026-12-03T10:00")
    page = (room / "dist/2026/ny-gangbro-over-nissan-oppnar-i-december/index.html").read_text("utf-8")
    assert "<p>* Preliminära siffror.</p>" in page and "ENDS" not in page


def test_an_import_killed_while_writing_leaves_a_temporary_file_the_next_import_removes(room):
    import subprocess

    seed_as_word().save(room / "qm.docx")
    dead = subprocess.Popen(["true"])
    dead.wait()
    leftover = room / f"sources/2026/.import-{dead.pid}-abc.tmp"  # what kill -9 left: its process is gone
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half a photo")
    press_import("qm.docx")
    assert not leftover.exists()


@pytest.mark.parametrize("line, lifts", [
    ("EMBARGO: 2026-12-03T10:00", datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)),
    ("Embargo: kl. 10.00 onsdagen den 3 december 2026", datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)),
    ("Under embargo till 3 december 2026 – klockan 10", datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)),
    ("Embargoed until 3 December 2026 at 1000 GMT-5", datetime(2026, 12, 3, 16, 0, tzinfo=ZONE)),
    ("Embargoed until 12:01 a.m. ET Thursday, December 3, 2026", None),  # a zone not known here: not guessed
])
def test_an_embargo_is_read_in_any_wording_or_stops_the_release(room, line, lifts):
    w = Word()
    w.title("Budgeten för 2027 är klar")
    w.para("Halmstad, 3 december 2026")
    w.para(line)
    w.para("Kommunstyrelsen föreslår en budget med mer pengar till skolan.")
    w.save(room / "budget.docx")
    press_import("budget.docx", expect=0 if lifts else 1)
    path = "sources/2026/2026-12-03-budgeten-for-2027-ar-klar.md"
    if lifts:
        release, _ = loaded(path)
        assert release.embargo == lifts and line not in release.body
    else:
        assert export("sources", "--now", "2026-12-05T12:00", expect=1).problems[0].startswith(f"{path}:")
        assert not (room / "dist/2026/budgeten-for-2027-ar-klar").exists()


def test_an_embargo_in_the_page_header_is_the_embargo(room):
    w = Word()
    w.document.sections[0].header.paragraphs[0].text = "EMBARGO: 3 december 2026 kl. 10.00"
    w.title("Budgeten för 2027 är klar")
    w.para("Halmstad, 2 december 2026")
    w.para("Kommunstyrelsen föreslår en budget med mer pengar till skolan.")
    w.save(room / "budget.docx")
    press_import("budget.docx")
    release, _ = loaded("sources/2026/2026-12-02-budgeten-for-2027-ar-klar.md")
    assert release.embargo == datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)


def test_words_that_only_resemble_the_parts_of_a_release_stay_what_they_are(room):
    w = Word()
    w.para("Halmstads kommun")
    w.heading("Ny lekplats i Strandparken", 1)
    w.para("Halmstad, 3 december 2026 kl. 09.00")
    w.picture(png(), alt="Skiss som visar den nya logotypen för lekplatsen.")
    w.para("Strandvägen är spärrad till 15 januari 2027 medan bygget pågår.")
    w.para("Område: Strandparken, cirka 2 000 kvadratmeter, intill stranden.")
    w.para("ENDS")
    w.bold("Kontakt")
    w.para("Anna Berg")
    w.para("Per Ek")
    w.para("Tecken som \ue000 och \ue001# inte är text.")
    w.save(room / "lekplats.docx")
    press_import("lekplats.docx")
    release, problems = loaded("sources/2026/2026-12-03-ny-lekplats-i-strandparken.md")
    assert problems == [] and release.title == "Ny lekplats i Strandparken" and release.embargo is None
    assert release.image is not None and "logotypen" in release.image.alt
    assert "Strandvägen är spärrad till 15 januari 2027 medan bygget pågår." in release.body
    assert "Område: Strandparken, cirka 2 000 kvadratmeter, intill stranden." in release.body and not release.regions
    assert [c.name for c in release.contacts] == ["Anna Berg", "Per Ek"]
    assert "\ue000" not in release.body and "\ue001" not in release.body and "\n#" not in release.body
