"""Every language a Swedish public body publishes in: the theme's fonts for every script, right to left, labels.

The releases in tests/languages/sources (Swedish with emoji and passages in Arabic and Ukrainian, Arabic,
Persian, Ukrainian, Northern Sámi, Yiddish, Tigrinya, Chinese) are exported once per session
(`languages_dist` in conftest.py); the Nu checker and axe-core check their pages in test_accessibility.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from lxml import html

from conftest import NOW, ROOT, export, release, tree, write_tree
from pipeline.render.theme import BUILTIN
from pipeline.verify.pdf_check import Expected, check_pdf, check_with_tools

SOURCES = ROOT / "tests/languages/sources"
RIGHT_TO_LEFT = {"ar", "fa", "yi"}


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8").split("---")[1])


def entries(dist: Path) -> list[dict]:
    return json.loads((dist / "manifest.json").read_text("utf-8"))["releases"]


def theme_families() -> set[str]:
    """The font families the theme's PDF stylesheets declare, as PDF font names spell them ('Noto-Sans-SC')."""
    families = set()
    for css in [BUILTIN / "static/css/fonts-print.css", *sorted((BUILTIN / "static/css/scripts").glob("*-print.css"))]:
        families |= set(re.findall(r'font-family: "([^"]+)"', css.read_text("utf-8")))
    return {family.replace(" ", "-") for family in families}


def pdf_fonts(path: Path) -> list[list[str]]:
    """pdffonts' rows, split at spaces: name, type, encoding, then emb, sub, uni and the object's number."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return [line.split() for line in lines]


def letters(text: str) -> str:
    """The letters of `text` in order, without spaces, marks or direction controls: how pdftotext's text is compared,
    as it puts spaces of its own between glyphs set apart (a Persian 'ر' before a gap, a Yiddish vowel point)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not c.isspace() and not unicodedata.combining(c) and unicodedata.category(c) != "Cf")


def test_every_language_exports_with_no_error_and_no_warning(languages_dist):
    run, dist = languages_dist
    assert run.problems == [], run.stderr
    langs = sorted(e["lang"] for e in entries(dist))
    assert langs == ["ar", "fa", "se", "sv", "ti", "uk", "yi", "zh"]


def test_every_pdf_passes_the_archive_checks_and_holds_only_the_themes_fonts(languages_dist):
    _, dist = languages_dist
    families = theme_families()
    for entry in entries(dist):
        path = dist / entry["outputs"]["pdf"]["path"]
        source = SOURCES / Path(entry["source"]).relative_to("sources")
        failures = check_pdf(path.read_bytes(), Expected(title=entry["title"], lang=entry["lang"], source_name=source.name,
                                                         source=source.read_bytes()))
        assert failures + check_with_tools(path) == [], entry["id"]
        for row in pdf_fonts(path):
            name = row[0].split("+", 1)[-1].replace(",", "")
            assert any(name == f or name.startswith(f + "-") for f in families), f"{entry['id']}: {name} is no font of the theme"
            assert row[-5:-2] == ["yes", "yes", "yes"], f"{entry['id']}: {row} is not embedded as a subset with its text"


def test_every_script_is_printed_with_its_own_font(languages_dist):
    _, dist = languages_dist
    expected = {"ar": {"IBM-Plex-Sans-Arabic"}, "fa": {"IBM-Plex-Sans-Arabic"}, "uk": {"Source-Sans-3-Cyrillic"},
                "yi": {"Noto-Sans-Hebrew"}, "ti": {"Noto-Sans-Ethiopic"}, "zh": {"Noto-Sans-SC"},
                "sv": {"Noto-Emoji", "Press-Symbols"}}  # 🎄, and CO₂, ⅓ and →
    for entry in entries(dist):
        names = {row[0].split("+", 1)[-1].replace(",", "") for row in pdf_fonts(dist / entry["outputs"]["pdf"]["path"])}
        if entry["lang"] in expected:
            assert expected[entry["lang"]] <= names, (entry["lang"], names)
        if entry["lang"] == "se":  # Sámi letters (á č đ ŋ š ŧ ž) are in the base font: nothing else is loaded
            assert names == {"Source-Sans-3", "Source-Sans-3-Bold"}, names


def test_pdf_text_comes_back_in_reading_order(languages_dist):
    _, dist = languages_dist
    for entry in entries(dist):
        source = SOURCES / Path(entry["source"]).relative_to("sources")
        fields = front(source)
        text = letters(subprocess.run(["pdftotext", str(dist / entry["outputs"]["pdf"]["path"]), "-"],
                                      capture_output=True, text=True, check=True).stdout)
        assert letters(fields["title"]) in text, entry["lang"]
        assert letters(fields["lead"]) in text, entry["lang"]
    # Lam-alef, one glyph for two letters, reads 'لا' and not 'ال'.
    arabic = next(e for e in entries(dist) if e["lang"] == "ar")
    assert "خلال" in subprocess.run(["pdftotext", str(dist / arabic["outputs"]["pdf"]["path"]), "-"],
                                   capture_output=True, text=True).stdout


def test_right_to_left_pdf_is_laid_out_from_the_right(languages_dist):
    _, dist = languages_dist
    left, right = 56.7, 595.3 - 56.7  # A4, 20 mm margins
    for lang in ("ar", "uk"):
        entry = next(e for e in entries(dist) if e["lang"] == lang)
        bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(dist / entry["outputs"]["pdf"]["path"]), "-"],
                              capture_output=True, text=True, check=True).stdout
        words = [(float(w.get("xmin")), float(w.get("xmax")), float(w.get("ymin")), float(w.get("ymax")))
                 for w in html.fromstring(bbox.encode()).iter("word")]
        tallest = max(y1 - y0 for _, _, y0, y1 in words)
        heading = [w for w in words if w[3] - w[2] > tallest - 0.5]  # the headline, on two lines
        last_line = [w for w in heading if w[2] == max(h[2] for h in heading)]
        start, end = min(w[0] for w in last_line), max(w[1] for w in last_line)
        if lang == "ar":  # its short last line stands at the right margin
            assert abs(end - right) < 2 and start > 300, (start, end)
        else:
            assert abs(start - left) < 2 and end < 300, (start, end)


def test_pages_say_their_direction_and_isolate_what_runs_the_other_way(languages_dist):
    _, dist = languages_dist
    for entry in entries(dist):
        page = html.fromstring((dist / entry["outputs"]["html"]["path"]).read_bytes())
        root = page.getroottree().getroot()
        assert root.get("lang") == entry["lang"]
        assert root.get("dir") == ("rtl" if entry["lang"] in RIGHT_TO_LEFT else None), entry["lang"]
        if entry["lang"] in RIGHT_TO_LEFT:
            # The Swedish press room's name, its Swedish contacts' roles and the boilerplate run left to right.
            assert page.xpath("//span[@class='site-title']")[0].get("dir") == "ltr"
            assert {e.get("dir") for e in page.xpath("//*[@lang='sv']")} == {"ltr"}
            # Phone numbers and e-mail addresses keep their order.
            for link in page.xpath("//a[starts-with(@href, 'tel:') or starts-with(@href, 'mailto:')]"):
                assert link.get("dir") == "ltr", html.tostring(link)
    arabic = html.fromstring((dist / "2026/maktabat-al-madina/index.html").read_bytes())
    assert arabic.xpath("//span[@dir='ltr' and text()='035-13 73 50']"), "a phone number in the body is isolated"
    persian = html.fromstring((dist / "2026/ketabkhane/index.html").read_bytes())
    assert persian.xpath("//span[@dir='ltr' and text()='035-13 73 50']"), "the sentence's stop stays outside"
    assert arabic.xpath("//a[@href='https://www.example.org/bibliotek' and @dir='ltr']"), "an address in the body is isolated"
    items = {i["language"]: i["content_html"] for i in json.loads((dist / "feed.json").read_text("utf-8"))["items"]}
    assert items["ar"].startswith('<div dir="rtl">') and not items["uk"].startswith("<div"), "a feed reader is told too"
    swedish = html.fromstring((dist / "2026/julmarknad/index.html").read_bytes())
    assert [(s.get("lang"), s.get("dir")) for s in swedish.xpath("//div[@class='body']//span[@lang]")] == [
        ("ar", "rtl"), ("uk", None)]


def test_fact_box_and_lists_mirror_on_a_right_to_left_page(languages_dist, tab):
    _, dist = languages_dist
    tab.goto((dist / "2026/maktabat-al-madina/index.html").as_uri())
    box = tab.evaluate("""() => { const s = getComputedStyle(document.querySelector('.factbox'));
        return [s.borderRightWidth, s.borderLeftWidth]; }""")
    assert box == ["4px", "0px"]
    lists = tab.evaluate("""() => { const s = getComputedStyle(document.querySelector('.body ul'));
        return [parseFloat(s.paddingRight) > 0, parseFloat(s.paddingLeft)]; }""")
    assert lists == [True, 0]
    tab.goto((dist / "2026/julmarknad/index.html").as_uri())
    assert tab.evaluate("getComputedStyle(document.querySelector('.correction, .factbox, .lead')).direction") == "ltr"


def test_labels_and_dates_are_in_the_releases_language_or_marked_english(languages_dist):
    _, dist = languages_dist
    pages = {e["lang"]: html.fromstring((dist / e["outputs"]["html"]["path"]).read_bytes()) for e in entries(dist)}
    heading = {lang: page.xpath("string(//h2[@id='contacts-heading'])") for lang, page in pages.items()}
    assert heading["ar"] == "جهات الاتصال" and heading["uk"] == "Контактні особи" and heading["se"] == "Oktavuođaolbmot"
    assert pages["uk"].xpath("string(//p[@class='dateline']/time)") == "23 листопада 2026\u202fр."  # Babel: a narrow no-break space
    assert pages["ar"].xpath("string(//p[@class='release-type'])") == "بيان صحفي"
    # Tigrinya has no word here for "Contact persons": it is English, and says so.
    marked = pages["ti"].xpath("//h2[@id='contacts-heading']/span")
    assert [(s.get("lang"), s.get("dir"), s.text) for s in marked] == [("en", "ltr", "Contact persons")]
    assert pages["ti"].xpath("string(//p[@class='release-type'])") == "ጋዜጣዊ መግለጺ"
    # Chinese has no labels at all: every one is marked English, none unmarked.
    for heading in pages["zh"].xpath("//h2[not(ancestor::*[@lang!='zh'])]"):
        assert heading.xpath("span[@lang='en']") or heading.get("id") == "boilerplate-heading", html.tostring(heading)


def test_topics_and_languages_are_sorted_as_swedish_sorts(languages_dist):
    _, dist = languages_dist
    front_page = html.fromstring((dist / "index.html").read_bytes())
    topics = [a.text.rsplit(" (", 1)[0] for a in front_page.xpath("//section[.//h2[@id='browse-topics']]//a")]
    assert topics[:6] == ["Alingsås", "Evenemang", "Zinkgruvan", "Åtvidaberg", "Älmhult", "Ödeshög"]


def test_wire_text_keeps_its_script_and_says_it_cannot_be_ascii(tmp_path):
    shutil.copytree(SOURCES, tmp_path / "sources")
    site = tmp_path / "sources/site.yaml"
    site.write_text(site.read_text("utf-8") + "wire:\n  ascii: true\n", "utf-8")
    run = export(str(tmp_path / "sources"), "-o", str(tmp_path / "dist"), "--now", NOW, "-q")
    warned = {Path(p.split(":")[0]).name for p in run.problems}
    assert warned == {"2026-11-21-maktabat-al-madina.md", "2026-11-22-ketabkhane.md", "2026-11-23-biblioteka.md",
                      "2026-11-25-bibliotek-yi.md", "2026-11-26-betemetsahift.md", "2026-11-27-tushuguan.md"}
    assert "which has no ASCII spelling" in run.stderr and ":4: warning:" in run.stderr  # on the 'lang' line
    wire = (tmp_path / "dist/2026/biblioteka/biblioteka.txt").read_text("utf-8")
    assert "Міська бібліотека подовжує години роботи на різдвяні свята" in wire
    assert unicodedata.is_normalized("NFC", wire)
    swedish = (tmp_path / "dist/2026/julmarknad/julmarknad.txt").read_text("utf-8")
    assert swedish.isascii() and "Julmarknad i Halmstad ?" in swedish


def test_a_character_no_font_has_is_one_error_naming_it(project):
    write_tree(project, {
        "sources/2026/thai.md": release("title: Sawasdee\ndate: 2026-11-26\nlang: sv\n",
                                        "Vi hälsar: สวัสดี och สวัสดี igen.\n\nOch 𓂀 en gång.\n"),
        "sources/2026/ok.md": release("title: Vanlig\ndate: 2026-11-26\n"),
    })
    run = export("sources", "--now", NOW, expect=1)
    errors = [p for p in run.problems if ": error: " in p]
    thai = "สวัสดี"
    named = [re.search(r"\(U\+([0-9A-F]+)", e)[1] for e in errors]
    assert named == [f"{ord(ch):04X}" for ch in dict.fromkeys(thai + "𓂀")], errors
    assert all(e.startswith("sources/2026/thai.md:") for e in errors)
    assert [int(e.split(":")[1]) for e in errors] == [7] * len(set(thai)) + [9]  # the lines holding them
    assert "'𓂀' (U+13080 EGYPTIAN HIEROGLYPH D010)" in errors[-1]
    assert not (project / "dist/2026/thai").exists()
    assert (project / "dist/2026/ok/ok.pdf").exists()
    from click.testing import CliRunner

    from pipeline.cli import main

    checked = CliRunner().invoke(main, ["check", "sources", "--now", NOW])
    assert checked.exit_code == 1, checked.output
    assert [line for line in checked.output.splitlines() + checked.stderr.splitlines() if "none of the theme's fonts" in line] == errors


def test_pdfs_are_the_same_whatever_fonts_and_font_settings_the_machine_has(tmp_path):
    """One export with Fontconfig seeing no font at all, one where it puts DejaVu Sans before every family asked for:
    a PDF made from the machine's fonts would differ."""
    names = ["site.yaml", "2026/2026-11-20-julmarknad.md", "2026/2026-11-21-maktabat-al-madina.md", "2026/2026-11-27-tushuguan.md"]
    configs = {
        "none": "<fontconfig></fontconfig>",
        "dejavu": "<fontconfig><dir>/usr/share/fonts</dir><match target='pattern'><edit name='family' mode='prepend' "
                  "binding='strong'><string>DejaVu Sans</string></edit></match></fontconfig>",
    }
    trees = {}
    for name, config in configs.items():
        work = tmp_path / name
        for source in names:
            (work / "sources" / source).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(SOURCES / source, work / "sources" / source)
        (work / "fonts.conf").write_text('<?xml version="1.0"?>\n' + config)
        env = {**os.environ, "FONTCONFIG_FILE": str(work / "fonts.conf")}
        done = subprocess.run([sys.executable, "-m", "pipeline", "export", "sources", "--now", NOW, "-q"], cwd=work, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        trees[name] = tree(work / "dist")
    pdfs = [path for path in trees["none"] if path.endswith(".pdf")]
    assert len(pdfs) == 3
    assert [trees["none"][p] == trees["dejavu"][p] for p in pdfs] == [True] * 3


def test_a_label_in_english_is_marked_on_the_page_and_plain_where_markup_cannot_go(project):
    write_tree(project, {"sources/site.yaml": "name: ከተማ\nurl: https://press.example.org/\nlang: ti\n",
                         "sources/2026/r.md": release("title: ዜና\ndate: 2026-11-26\nregions: [ሃልምስታድ]\n", "ጽሑፍ።\n")})
    export("sources", "--now", NOW, "-q")
    page = (project / "dist/regions/halmstad/index.html").read_text("utf-8")
    assert "<title>Region: ሃልምስታድ</title>" in page
    assert 'title="Region: ሃልምስታድ (Atom)"' in page
    assert '<h1><span lang="en" dir="ltr">Region: ሃልምስታድ</span></h1>' in page


def test_text_typed_decomposed_and_a_broken_link_in_the_theme_are_no_trouble(project):
    (project / "themes/default/static/css").mkdir(parents=True)
    (project / "themes/default/static/css/.#custom.css").symlink_to("nobody@host.1234")  # an editor's lock file
    write_tree(project, {"sources/2026/r.md": release("title: Ra\u030aden\ndate: 2026-11-26\n", "Ma\u030alet.\n")})
    run = export("sources", "--now", NOW, "-q")
    assert run.problems == [] and (project / "dist/2026/r/r.pdf").is_file()


def test_a_latin_press_room_publishes_no_font_it_does_not_link(example_dist, languages_dist):
    """The PDF's TrueType fonts and stylesheets stay in the theme; a script's fonts are published once a page uses it."""
    published = {p.relative_to(example_dist / "theme").as_posix() for p in (example_dist / "theme").rglob("*") if p.is_file()}
    assert not [name for name in published if name.endswith(".ttf") or "print" in name or name.startswith("css/scripts/")]
    assert {"css/fonts.css", "fonts/SourceSans3-400-normal.woff2"} <= published
    _, dist = languages_dist
    assert (dist / "theme/css/scripts/arabic.css").is_file() and not (dist / "theme/css/scripts/greek.css").exists()
