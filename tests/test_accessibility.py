"""Every generated page, checked by the Nu Html Checker and by axe-core in a real browser.

One JVM start checks all pages; one Chromium serves every browser test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from checkers import axe_violations, nu_check

SEED_PAGE = "2026/halmstad-quality-mark/index.html"
# WCAG 1.4.12: a reader's own spacing must not clip or hide text.
TEXT_SPACING = "* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"


def pages(dist: Path) -> list[Path]:
    return sorted(dist.rglob("*.html"))


def test_example_produces_all_kinds_of_pages(example_dist):
    names = {p.relative_to(example_dist).as_posix() for p in pages(example_dist)}
    assert {"index.html", SEED_PAGE, "amnen/stadsutveckling/index.html", "regioner/halmstad/index.html", "en/index.html",
            "tillganglighet/index.html", "accessibility/index.html"} <= names


def test_every_page_passes_the_nu_html_checker(example_dist, paged_dist, languages_dist):
    errors = nu_check(pages(example_dist) + pages(paged_dist) + pages(languages_dist[1]))
    assert errors == [], "\n".join(f"{e.get('url')}:{e.get('lastLine')}: {e.get('message')}" for e in errors)


def test_every_page_has_no_axe_violations(example_dist, paged_dist, languages_dist, tab):
    found = {}
    for path in pages(example_dist) + [p for p in pages(paged_dist) if not p.parent.name.startswith("nyhet")] + pages(languages_dist[1]):
        tab.goto(path.as_uri())
        if violations := axe_violations(tab):
            found[path.as_posix()] = violations
    assert found == {}


@pytest.mark.parametrize("width", [320, 1280])
def test_pages_reflow_without_horizontal_scrolling(example_dist, tab, width):
    tab.set_viewport_size({"width": width, "height": 800})
    wide = []
    for path in pages(example_dist):
        tab.goto(path.as_uri())
        if tab.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
            wide.append(path.relative_to(example_dist).as_posix())
    assert wide == []


def test_seed_release_at_320px_keeps_all_text_visible_with_wider_text_spacing(example_dist, tab):
    tab.set_viewport_size({"width": 320, "height": 640})
    tab.goto((example_dist / SEED_PAGE).as_uri())
    tab.add_style_tag(content=TEXT_SPACING)
    assert not tab.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    clipped = tab.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
        const s = getComputedStyle(e);
        return (s.overflow === 'hidden' || s.overflowY === 'hidden' || s.overflowX === 'hidden')
            && (e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1);
    }).map(e => e.tagName + '.' + e.className)""")
    assert clipped == []


def test_skip_link_is_the_first_stop_and_becomes_visible(example_dist, tab):
    tab.set_viewport_size({"width": 1280, "height": 800})
    tab.goto((example_dist / SEED_PAGE).as_uri())
    tab.keyboard.press("Tab")
    focused = tab.evaluate("() => [document.activeElement.getAttribute('href'), document.activeElement.getBoundingClientRect().top]")
    assert focused[0] == "#main" and focused[1] >= 0, "the skip link is first and shows on focus"
    outline = tab.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "main"


def test_pages_work_without_javascript_and_ship_none(example_dist):
    for path in pages(example_dist):
        doc = html.fromstring(path.read_bytes())
        scripts = [s for s in doc.xpath("//script") if s.get("type") != "application/ld+json"]
        assert scripts == [], path
        assert not doc.xpath("//@*[starts-with(name(), 'on')]"), path


def test_every_page_has_one_h1_ordered_headings_and_described_images(example_dist):
    for path in pages(example_dist):
        doc = html.fromstring(path.read_bytes())
        assert doc.get("lang"), path
        assert len(doc.xpath("//h1")) == 1, path
        levels = [int(h.tag[1]) for h in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), (path, levels)
        for img in doc.xpath("//img"):
            assert img.get("alt") is not None, (path, img.get("src"))
            if not img.get("alt"):  # decorative only where the link around it, or the text beside it, says the same
                beside = img.xpath("ancestor::li[1]")  # a listing's thumbnail, a press photo's: the text in its item
                said = img.getparent().text_content().strip() if img.getparent().tag == "a" else \
                    beside[0].text_content().strip() if beside else ""
                assert said, (path, img.get("src"))


def test_the_checkers_do_catch_broken_pages(tmp_path, tab):
    """Guards the guards: a page with known faults must fail both checkers."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><title>x</title></head><body>'
        '<p style="color:#aaa;background:#fff">faint text</p><img src="a.png"><div><li>stray</li></div></body></html>',
        "utf-8",
    )
    assert nu_check([bad]), "the Nu checker must report the stray <li>"
    tab.goto(bad.as_uri())
    ids = {v["id"] for v in axe_violations(tab)}
    assert {"image-alt", "color-contrast", "html-has-lang"} <= ids


def test_printing_the_page_gives_a_clean_page(example_dist, tab):
    tab.goto((example_dist / SEED_PAGE).as_uri())
    tab.emulate_media(media="print")
    hidden = tab.evaluate("""sel => sel.map(s => [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none'))""",
                          [".skip-link", ".site-footer", ".downloads"])
    assert hidden == [True, True, True], "no navigation or download links on paper"
    assert tab.evaluate("getComputedStyle(document.querySelector('.factbox')).display") != "none"
    tab.emulate_media(media="screen")


def test_text_in_the_press_rooms_language_is_marked_on_pages_in_another(example_dist):
    doc = html.fromstring((example_dist / "2026/harbour-cycle-route/index.html").read_bytes())
    assert doc.get("lang") == "en"
    assert doc.xpath("//span[@class='site-title']/@lang") == ["sv"]
    assert doc.xpath("//section[@class='newsroom-contacts']//span[@class='contact-role']/bdi/@lang") == ["sv"]
    assert not doc.xpath("//section[@class='contacts']//*[@lang]"), "the release's own contacts are in its language"
    assert doc.xpath("//section[@class='boilerplate']/@lang") == [], "the English boilerplate is used"
    correction = doc.xpath("//p[@class='correction']")[0].text_content()
    assert correction.startswith("Updated October 9, 2026:") and "11:00" in correction


def test_long_listings_are_paged_with_a_labelled_navigation(paged_dist):
    first = html.fromstring((paged_dist / "index.html").read_bytes())
    assert len(first.xpath("//ol[@class='release-list']/li")) == 20
    nav = first.xpath("//nav[@class='pagination']")[0]
    assert nav.get("aria-label") == "Sidor"
    assert nav.xpath(".//a[@aria-current='page']")[0].text == "1"
    assert nav.xpath(".//a[@rel='next']/@href") == ["sida/2/index.html"]
    second = html.fromstring((paged_dist / "sida/2/index.html").read_bytes())
    titles = [a.text for a in second.xpath("//ol[@class='release-list']//h3/a")]
    assert titles == ["Nyhet nummer 2", "Nyhet nummer 1"], "newest first, continued"
    assert second.xpath("//link[@rel='canonical']/@href") == ["https://press.example.org/sida/2/"]
    assert second.xpath("//a[@rel='prev']/@href") == ["../../index.html"]
    topic = html.fromstring((paged_dist / "amnen/skola/sida/2/index.html").read_bytes())
    assert topic.xpath("//h1")[0].text == "Ämne: Skola"
    assert topic.xpath("//link[@rel='alternate'][@type='application/atom+xml']/@href") == ["../../../../amnen/skola/feed.atom"]
    english = html.fromstring((paged_dist / "en/index.html").read_bytes())
    assert len(english.xpath("//ol[@class='release-list']/li[@lang='en']")) == 4
