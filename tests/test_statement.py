"""The accessibility statement a Swedish public body must publish, made from site.yaml, and the ways to it:
every page's footer, and each release's "ask for it in another format"."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from lxml import html

from conftest import SITE, export, release, write_tree

NOW = "2026-11-26T12:00:00+01:00"
STATEMENT = """\
accessibility:
  email: tillganglighet@example.org
  phone: 035-13 70 00
  status: partial
  gaps: [Äldre bilagor i PDF saknar rubriker.]
  assessed: 2026-11-15
"""


def page(path):
    return html.fromstring(path.read_bytes())


def test_the_statement_follows_the_model_and_says_what_site_yaml_says(example_dist):
    doc = page(example_dist / "tillganglighet/index.html")
    assert doc.get("lang") == "sv"
    assert doc.xpath("//h1")[0].text_content() == "Tillgänglighet för Halmstads kommun – pressrum"
    headings = [h.text_content() for h in doc.xpath("//h2")]
    assert headings == ["Hur tillgänglig är webbplatsen?", "Vad kan du göra om du inte kan använda delar av webbplatsen?",
                        "Rapportera brister i webbplatsens tillgänglighet", "Tillsyn",
                        "Teknisk information om webbplatsens tillgänglighet", "Innehåll som inte är tillgängligt",
                        "Hur vi testat webbplatsen"]
    text = " ".join(doc.text_content().split())
    assert "delvis förenlig med lagen om tillgänglighet till digital offentlig service" in text
    assert doc.xpath("//a[@href='mailto:tillganglighet@halmstad.se']") and doc.xpath("//a[@href='tel:035137000']")
    assert doc.xpath("//a[contains(@href, 'digg.se')]")[0].text_content().startswith("Anmäl bristande tillgänglighet")
    assert "Bilagor som andra har skrivit" in text
    assert "Den senaste bedömningen gjordes den 15 november 2026." in text
    english = page(example_dist / "accessibility/index.html")
    assert english.get("lang") == "en" and "partially compliant" in english.text_content()
    assert english.xpath("//ul[@lang='sv']/li")[0].text_content().startswith("Bilagor"), "the gaps, in Swedish, marked so"


def test_every_page_links_the_statement_in_its_language(example_dist):
    for path in sorted(example_dist.rglob("*.html")):
        doc = page(path)
        link = doc.xpath("//footer//a[contains(@href, 'index.html') and (contains(., 'Tillgänglighetsredogörelse') "
                         "or contains(., 'Accessibility statement'))]")
        assert len(link) == 1, path
        target = (path.parent / link[0].get("href")).resolve()
        assert target.is_file() and page(target).get("lang") == ("en" if doc.get("lang") == "en" else "sv"), path


def test_each_release_says_how_to_ask_for_it_in_another_format(example_dist):
    doc = page(example_dist / "2026/halmstad-quality-mark/index.html")
    link = doc.xpath("//a[.='Be om pressmeddelandet i ett annat format']")[0]
    address = urlsplit(link.get("href"))
    assert address.scheme == "mailto" and address.path == "tillganglighet@halmstad.se"
    assert parse_qs(address.query)["subject"] == ["Pressmeddelande i ett annat format: Halmstad har fått utmärkelsen ”Quality Mark”"]
    english = page(example_dist / "2026/harbour-cycle-route/index.html")
    assert english.xpath("//a[.='Ask for this release in another format']")


def test_a_press_room_that_gives_only_a_phone_number_sends_readers_to_the_statement(project):
    write_tree(project, {
        "sources/site.yaml": SITE + STATEMENT.replace("  email: tillganglighet@example.org\n", ""),
        "sources/2026/2026-11-26-bro.md": release("title: Bron\ndate: 2026-11-26\n"),
    })
    export("sources", "--now", NOW, "-q")
    link = page(project / "dist/2026/bro/index.html").xpath("//p[@class='another-format']/a")[0]
    assert link.get("href") == "../../tillganglighet/index.html#another-format"
    assert page(project / "dist/tillganglighet/index.html").xpath("//h2[@id='another-format']")


def test_a_statement_missing_what_the_law_asks_is_said_and_not_published(project):
    write_tree(project, {
        "sources/site.yaml": SITE.replace("lang: sv", "lang: nb") + "accessibility:\n  status: mostly\n",
        "sources/2026/2026-11-26-bro.md": release("title: Bron\ndate: 2026-11-26\n"),
    })
    run = export("sources", "--now", NOW)
    assert [p.split(": warning: ")[1].split(";")[0] for p in run.problems] == [
        "'accessibility: status' is 'mostly'",
        "'accessibility:' has no 'assessed'",
        "'accessibility:' says nowhere to report a problem or ask for another format",
        "'accessibility:' names no body that enforces the law where you are",
    ]
    assert all(p.startswith("sources/site.yaml:") and p.endswith("until it is mended, the statement stays as last "
                                                                  "published (none, if it never was)") for p in run.problems)
    assert not (project / "dist/tillganglighet").exists() and not (project / "dist/accessibility").exists()
    assert "statement" not in (project / "dist/2026/bro/index.html").read_text("utf-8").lower()


def test_a_partial_statement_without_gaps_or_with_an_unsafe_address_is_not_published(project):
    write_tree(project, {
        "sources/site.yaml": SITE + STATEMENT.replace("  gaps: [Äldre bilagor i PDF saknar rubriker.]\n", "")
        + "  enforcement: {name: Tillsynen, url: 'javascript:alert(1)'}\n",
        "sources/2026/2026-11-26-bro.md": release("title: Bron\ndate: 2026-11-26\n"),
    })
    run = export("sources", "--now", NOW)
    assert [p.split(": warning: ")[1].split(";")[0] for p in run.problems] == [
        "'accessibility: enforcement: url' has 'javascript:alert(1)'",
        "'accessibility: status' is 'partial' but 'gaps:' lists no content that is not accessible",
    ]
    assert not (project / "dist/tillganglighet").exists()
    assert "javascript:" not in (project / "dist/2026/bro/index.html").read_text("utf-8")


def test_a_typo_in_the_statement_keeps_the_one_last_published(project):
    """The law wants a statement online: a mistake is said, and the last sound statement stays, with its links."""
    write_tree(project, {
        "sources/site.yaml": SITE + STATEMENT,
        "sources/2026/2026-11-26-bro.md": release("title: Bron\ndate: 2026-11-26\n"),
    })
    export("sources", "--now", NOW, "-q")
    before = (project / "dist/tillganglighet/index.html").read_bytes()
    (project / "sources/site.yaml").write_text(SITE + STATEMENT.replace("assessed: 2026-11-15", "assessed: 2026-13-45")
                                               .replace("partial", "partly"), "utf-8")
    run = export("sources", "--now", NOW)
    assert len(run.problems) == 2 and all(": warning: " in p for p in run.problems), run.problems
    assert (project / "dist/tillganglighet/index.html").read_bytes() == before
    assert "another-format" in (project / "dist/2026/bro/index.html").read_text("utf-8")
    (project / "sources/site.yaml").write_text(SITE, "utf-8")  # the section taken away: no statement any more
    export("sources", "--now", NOW, "-q")
    assert not (project / "dist/tillganglighet").exists()
