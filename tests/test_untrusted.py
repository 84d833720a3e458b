"""Sources are untrusted: a release cannot put script or markup into what is published, nor leak a file.

Everything here runs the real `press export`. What it proves:

1. Every attack below (attributes, raw HTML, script addresses, files that are not documents, SVG
   that is not only drawing, files outside the sources, links that reveal an embargoed release) is
   refused as an error on its own line; the release holding it publishes nothing, and a harmless
   release beside it is published all the same.
2. After each such export, no file under dist/ (pages, feeds, wire text, NewsML-G2, ninjs, the PDF's
   streams, published files) holds a dangerous token, the embargoed release or a leaked file; and no
   HTML that a browser or a feed reader renders holds a script, an event handler or a script address.
3. What a release may write ({lang=en}, `::: factbox`, a clean SVG, an autolink) is still published.
4. Ids from the body never meet the page's own (`<main id="main">`).
5. Text that looks like markup (in the front matter, code, a link title, a file name) is published
   as text, in every output that is read as HTML.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from conftest import NOW, export, png, release, write_tree
from lxml import etree


class Symlink(str):
    """A symbolic link to this path (relative to the link's folder), in place of a file's content."""


def write(project: Path, files: dict) -> None:
    for name, content in files.items():
        if isinstance(content, Symlink):
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            (project / name).symlink_to(content)
        else:
            write_tree(project, {name: content})


# -- The press room every attack is tried in -----------------------------------------------------

HARMLESS = "sources/2026/2026-11-20-ofarlig.md"
HARMLESS_PAGE = "2026/ofarlig/index.html"
ATTACKER = "sources/2026/2026-11-26-angrepp.md"
ATTACKER_FRONT = "title: Angreppet\ndate: 2026-11-26\n"  # so its body starts on line 6


def harmless(body: str = "") -> dict:
    """A harmless release with a lead, a topic, an image and an attachment; an embargoed release that
    nothing may reveal; and a secret file beside the sources folder that nothing may publish."""
    return {
        HARMLESS: release(
            "title: Ofarlig nyhet\ndate: 2026-11-20\nlead: Allt är som vanligt.\ntopics: [Skola]\n"
            "attachments:\n  - {src: tider.csv, title: Öppettider}\n",
            "Brödtext med en [länk](https://www.halmstad.se/).\n\n![En blå ruta](ruta.png)\n\n" + body,
        ),
        "sources/2026/tider.csv": "dag;tid\nmåndag;8-17\n",
        "sources/2026/ruta.png": png(),
        "sources/2026/2099-01-01-hemlig.md": release(
            "title: Hemlig nyhet\ndate: 2099-01-01\ntopics: [Skola]\n", "SEKRETESS-4711: budgeten för 2099.\n"),
        "hemlis.txt": "topsecret-lösenord\n",
    }


def export_press_room(project: Path, files: dict, expect: int | None = 0):
    write(project, {**harmless(), **files})
    return export("sources", "--now", NOW, "-q", "-j", "1", expect=expect)  # two PDFs: no worker processes


# -- Reading everything that was published -------------------------------------------------------

FORBIDDEN = (
    "onclick", "onmouseover", "onfocus", "onerror", "onload", "javascript:", "vbscript:", "<script",
    "tracker.example", "@import", 'tabindex="1"',
    "hemlig", "sekretess-4711",  # the embargoed release: title, address, text
    "topsecret", "root:x:0",  # files outside the sources folder
    "angreppet",  # the refused release itself
)
JSON_LD = '<script type="application/ld+json">'  # the theme's one script element: data, not code


def published(dist: Path) -> dict[str, str]:
    """Every file under dist/ as lower-case text; a PDF with all of its streams decompressed."""
    texts = {}
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".pdf":
            data += pdf_streams(path)
        texts[path.relative_to(dist).as_posix()] = data.decode("utf-8", "replace").lower()
    return texts


def pdf_streams(path: Path) -> bytes:
    """Every stream of a PDF, decompressed (nothing if it is a file from the sources that only looks like one)."""
    data = b""
    try:
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    try:
                        data += obj.read_bytes()
                    except pikepdf.PdfError:  # an image filter pikepdf does not undo
                        data += obj.read_raw_bytes()
    except pikepdf.PdfError:
        pass
    return data


def dangerous_tokens(dist: Path) -> list[str]:
    found = []
    for where, text in published(dist).items():
        text = text.replace(JSON_LD, "")
        found += [f"{where}: {token}" for token in FORBIDDEN if token in text]
    return found


CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM = "{http://www.w3.org/2005/Atom}"


def rendered_html(dist: Path):
    """(where, root element) for every piece of HTML a browser or feed reader renders: the pages,
    RSS descriptions and content, Atom html/xhtml content, JSON Feed content_html, ninjs HTML bodies,
    NewsML-G2 inline XHTML. Fields defined as plain text are left out: they cannot carry markup."""

    def parsed(html: str):
        return lxml.html.document_fromstring(html) if html.strip() else None

    for path in sorted(dist.rglob("*")):
        where, name = path.relative_to(dist).as_posix(), path.name
        if name.endswith(".html"):
            yield where, parsed(path.read_text("utf-8"))
        elif name.endswith(".rss"):  # RSS has no type: readers render description as HTML
            for element in etree.parse(path).iter("description", CONTENT):
                yield f"{where} <{etree.QName(element).localname}>", parsed(element.text or "")
        elif name.endswith(".atom"):
            for element in etree.parse(path).iter():
                if element.get("type") == "html":
                    yield f"{where} <{etree.QName(element).localname}>", parsed(element.text or "")
                elif element.get("type") == "xhtml":
                    yield f"{where} <{etree.QName(element).localname}>", element
        elif name == "feed.json":
            for item in json.loads(path.read_text("utf-8"))["items"]:
                yield f"{where} content_html", parsed(item.get("content_html", ""))
        elif name.endswith(".ninjs.json"):
            for body in json.loads(path.read_text("utf-8")).get("bodies", []):
                if body["contentType"] == "text/html":
                    yield f"{where} bodies", parsed(body["value"])
        elif name.endswith(".newsml.xml"):
            for element in etree.parse(path).iter("{*}inlineXML"):
                yield f"{where} inlineXML", element


ACTIVE_ELEMENTS = {"script", "iframe", "frame", "object", "embed", "base", "form", "foreignObject"}
ADDRESS_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "{http://www.w3.org/1999/xlink}href"}
SCRIPT_ADDRESS = re.compile(r"(javascript|vbscript|data):", re.I)


def active_markup(dist: Path) -> list[str]:
    """Every script, event handler, embedded page or script address in HTML that gets rendered."""
    found = []
    for where, root in rendered_html(dist):
        for element in root.iter() if root is not None else ():
            if not isinstance(element.tag, str):
                continue  # a comment
            tag = etree.QName(element).localname
            if tag in ACTIVE_ELEMENTS and not (tag == "script" and element.get("type") == "application/ld+json"):
                found.append(f"{where}: <{tag}>")
            for key, value in element.attrib.items():
                name = etree.QName(key).localname.lower() if key.startswith("{") else key.lower()
                # a browser drops spaces and control characters from an address before reading its scheme
                address = re.sub(r"[\x00-\x20]", "", value)
                if name.startswith("on") or (key in ADDRESS_ATTRIBUTES and SCRIPT_ADDRESS.match(address)):
                    found.append(f"{where}: <{tag} {key}={value!r}>")
    return found


def leaks(dist: Path) -> list[str]:
    return dangerous_tokens(dist) + active_markup(dist)


# -- 1 and 2: every attack is refused on its line and leaves nothing behind ----------------------


@dataclass
class Attack:
    errors: list[tuple[int, str]]  # one (line, part of the message) per error
    body: str = "Text.\n"
    front: str = ""  # fields after title and date; each moves the body down a line
    files: dict = field(default_factory=dict)


def attribute(name: str) -> str:
    return (f"the attribute '{name}' is not allowed in a release; remove {{{name}=…}} "
            "(only lang and dir may be set, e.g. {lang=en})")


def raw(tag: str) -> str:
    return f"raw HTML '{tag}' is not allowed in the body; use Markdown"


def scheme(link: str, name: str) -> str:
    return f"link '{link}' uses '{name}:', which is not allowed; use an http:, https:, mailto: or tel: address"


def never_published(what: str, ref: str, suffix: str) -> str:
    return f"{what} '{ref}' is a '{suffix}' file, which is never published"


def svg(inner: str, attributes: str = "") -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg"{attributes}>{inner}</svg>'


def bad_svg(what: str, why: str) -> str:
    return f"{what} 'karta.svg' is not published: {why}"


SVG_FILE = "sources/2026/karta.svg"
NOT_DRAWING = "element, which is not drawing"
PDF = b"%PDF-1.4\n"
OUTSIDE = "is outside the sources folder; copy the file into sources/"
NOT_PUBLIC = "points at a release that is not public until 2099-01-01"

ATTACKS = {
    # Attributes: only lang and dir, and .factbox on a ::: block.
    "event handler on a span": Attack([(6, attribute("onclick"))], 'Klicka [här]{onclick="alert(1)"}.\n'),
    "event handler on a link": Attack(
        [(6, attribute("onmouseover"))], '[länk](https://example.org){onmouseover="alert(2)"}\n'),
    "event handler and tabindex on a heading": Attack(
        [(6, attribute("onfocus")), (6, attribute("tabindex"))], '## Rubrik {onfocus="alert(3)" tabindex=1}\n'),
    "style that calls a tracker": Attack(
        [(6, attribute("style"))], '[x]{style="background:url(https://tracker.example/p.gif)"}\n'),
    "event handler on an image": Attack(
        [(6, attribute("onerror"))], '![En blå ruta](b.png){onerror="alert(1)"}\n', files={"sources/2026/b.png": png()}),
    "data attribute": Attack([(6, attribute("data-x"))], "[x]{data-x=1}\n"),
    "href attribute": Attack([(6, attribute("href"))], '[x]{href="javascript:alert(1)"}\n'),
    "event handler on a code block": Attack([(6, attribute("onclick"))], '```{.html onclick="alert(1)"}\n<b>x</b>\n```\n'),
    "event handler on a fact box": Attack(
        [(6, attribute("onclick"))], '::: {.factbox onclick="alert(1)"}\n### Fakta\n\nText.\n:::\n'),
    "a class": Attack([(6, "the class '.x' has no meaning in a release")], "[x]{.x}\n"),
    "the fact box class on a span": Attack([(6, "the class '.factbox' has no meaning in a release")], "[x]{.factbox}\n"),
    # Raw HTML, wherever pandoc finds it.
    "raw HTML in a table caption": Attack(
        [(10, raw('<b onmouseover="alert(4)">'))], '| A | B |\n|---|---|\n| 1 | 2 |\n\n: Tabell <b onmouseover="alert(4)">x</b>\n'),
    "raw HTML in a footnote": Attack(
        [(8, raw('<img src=x onerror="alert(5)">'))], 'Text.[^1]\n\n[^1]: Not <img src=x onerror="alert(5)">\n'),
    "raw HTML in a list item": Attack(
        [(7, raw('<span onclick="alert(6)">'))], '* ett\n* två <span onclick="alert(6)">x</span>\n'),
    "raw HTML in a heading": Attack([(6, raw('<i onmouseover="alert(7)">'))], '## Rubrik <i onmouseover="alert(7)">a</i>\n'),
    "raw HTML in a block quote": Attack(
        [(6, raw('<a href="javascript:alert(1)">'))], '> Citat <a href="javascript:alert(1)">x</a>\n'),
    "svg with onload": Attack([(6, raw("<svg onload=alert(1)>"))], "<svg onload=alert(1)>\n"),
    "script element": Attack([(6, raw("<script>alert(1)</script>"))], "<script>alert(1)</script>\n"),
    "img with onerror": Attack([(6, raw("<img src=x onerror=alert(1)>"))], "<img src=x onerror=alert(1)>\n"),
    # Addresses that run script or carry more than an address.
    "javascript: link": Attack([(6, scheme("javascript:alert(1)", "javascript"))], "[x](javascript:alert(1))\n"),
    "javascript: link in mixed case": Attack([(6, scheme("JaVaScRiPt:alert(1)", "javascript"))], "[x](JaVaScRiPt:alert(1))\n"),
    "javascript: in a link definition": Attack(
        [(8, scheme("javascript:alert(1)", "javascript"))], "[x][a]\n\n[a]: javascript:alert(1)\n"),
    "javascript: autolink": Attack([(6, scheme("javascript:alert(1)", "javascript"))], "<javascript:alert(1)>\n"),
    "data: link": Attack(
        [(6, scheme("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "data"))],
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n"),
    "vbscript: link": Attack([(6, scheme("vbscript:msgbox(1)", "vbscript"))], "[x](vbscript:msgbox(1))\n"),
    "file: link": Attack([(6, scheme("file:///etc/passwd", "file"))], "[x](file:///etc/passwd)\n"),
    "mailto: with a subject and body": Attack(
        [(6, "link 'mailto:a@example.org?subject=x&body=y' carries more than an address")],
        "[mejla](mailto:a@example.org?subject=x&body=y)\n"),
    "mailto: with an encoded question mark": Attack(
        [(6, "link 'mailto:a@example.org%3Fsubject=x' carries more than an address")],
        "[mejla](mailto:a@example.org%3Fsubject=x)\n"),
    "contact e-mail with a subject": Attack(
        [(6, "'a@example.org?subject=x' is not an e-mail address")],
        front="contacts:\n  - name: Anna\n    email: a@example.org?subject=x\n"),
    # Files a release publishes: documents and images only, inside sources/, not hidden.
    "link to a web page": Attack(
        [(6, never_published("linked file", "sida.html", ".html"))], "[x](sida.html)\n",
        files={"sources/2026/sida.html": "<script>alert(1)</script>"}),
    "link to site.yaml": Attack([(6, never_published("linked file", "../site.yaml", ".yaml"))], "[x](../site.yaml)\n"),
    "link to a hidden file": Attack(
        [(6, "linked file '.hidden' is a hidden file")], "[x](.hidden)\n", files={"sources/2026/.hidden": "x"}),
    "link to a script": Attack(
        [(6, never_published("linked file", "skript.js", ".js"))], "[x](skript.js)\n",
        files={"sources/2026/skript.js": "alert(1)"}),
    "attached script": Attack(
        [(5, never_published("attachment", "skript.js", ".js"))], front="attachments:\n  - {src: skript.js, title: Skript}\n",
        files={"sources/2026/skript.js": "alert(1)"}),
    "link to a file named like a javascript: address": Attack(
        [(6, "javascript:alert(1).pdf")], "[x](./javascript:alert(1).pdf)\n",
        files={"sources/2026/javascript:alert(1).pdf": PDF}),
    "file named with a quote and an event handler": Attack(
        [(6, "has '\"' in its name")], 'Se [filen](<x" onclick="alert(10)".pdf>).\n',
        files={'sources/2026/x" onclick="alert(10)".pdf': PDF}),
    "attachment named like a javascript: address": Attack(
        [(5, "javascript:alert(1).pdf")], front="attachments:\n  - {src: './javascript:alert(1).pdf', title: Bilaga}\n",
        files={"sources/2026/javascript:alert(1).pdf": PDF}),
    "link to a file outside sources": Attack([(6, f"linked file '../../hemlis.txt' {OUTSIDE}")], "[x](../../hemlis.txt)\n"),
    "link to an absolute path": Attack([(6, f"linked file '/etc/passwd' {OUTSIDE}")], "[x](/etc/passwd)\n"),
    "link to a symbolic link leading outside": Attack(
        [(6, f"linked file 'bilaga.txt' {OUTSIDE}")], "[x](bilaga.txt)\n",
        files={"sources/2026/bilaga.txt": Symlink("../../hemlis.txt")}),
    "SVG with a script": Attack(
        [(6, bad_svg("linked file", f"it holds a <script> {NOT_DRAWING}"))], "[x](karta.svg)\n",
        files={SVG_FILE: svg("<script>alert(1)</script>")}),
    "SVG with onload, as an image": Attack(
        [(6, bad_svg("image", "<svg> has the event handler onload"))], "![Karta](karta.svg)\n",
        files={SVG_FILE: svg('<rect width="1" height="1"/>', ' onload="alert(1)"')}),
    "SVG with a foreignObject": Attack(
        [(6, bad_svg("linked file", f"it holds a <foreignObject> {NOT_DRAWING}"))], "[x](karta.svg)\n",
        files={SVG_FILE: svg('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>')}),
    "SVG with a style that imports, as the key image": Attack(
        [(4, bad_svg("image", "its <style> holds '@import'"))], front="image: {src: karta.svg, alt: Karta}\n",
        files={SVG_FILE: svg('<style>@import url(https://tracker.example/x.css);</style><rect width="1" height="1"/>')}),
    "SVG with a javascript: link": Attack(
        [(5, bad_svg("attachment", "<a> refers to 'javascript:alert(1)'"))],
        front="attachments:\n  - {src: karta.svg, title: Karta}\n",
        files={SVG_FILE: '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                         '<a xlink:href="javascript:alert(1)"><rect width="1" height="1"/></a></svg>'}),
    "SVG with a DOCTYPE entity": Attack(
        [(6, bad_svg("linked file", "its DOCTYPE declares entities"))], "[x](karta.svg)\n",
        files={SVG_FILE: '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x "<script>alert(1)</script>">]>\n'
                         '<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'}),
    "SVG whose style sheet goes on after an element": Attack(
        [(6, bad_svg("linked file", "its <style> holds elements"))], "[x](karta.svg)\n",
        files={SVG_FILE: svg('<style>rect{fill:red}<g/>svg{background-image:url(https://tracker.example/p.png)}</style>')}),
    "SVG with image-set, which loads a plain string": Attack(
        [(6, bad_svg("linked file", "its <style> holds 'image-set('"))], "[x](karta.svg)\n",
        files={SVG_FILE: svg('<style>svg{background-image:image-set("https://tracker.example/p.png" 1x)}</style>')}),
    "SVG with xml:base": Attack(
        [(6, bad_svg("linked file", "<g> has the attribute xml:base"))], "[x](karta.svg)\n",
        files={SVG_FILE: svg('<g xml:base="https://tracker.example/"><rect width="1" height="1"/></g>')}),
    # Files that would take the place of what the release publishes itself, or that a server would run.
    "attachment named like the release's own PDF": Attack(
        [(5, "the file 'angrepp.pdf' has the name of one this release publishes itself")],
        front="attachments:\n  - {src: angrepp.pdf, title: Beslut}\n", files={"sources/2026/angrepp.pdf": PDF}),
    "a file a server would run as a program": Attack(
        [(6, "has '.php' inside its name")], "[x](rapport.php.pdf)\n", files={"sources/2026/rapport.php.pdf": PDF}),
    "a symbolic link inside the sources": Attack(
        [(6, "image 'bild.png' is a symbolic link")], "![En ruta](bild.png)\n",
        files={"sources/2026/bild.png": Symlink("ruta.png")}),
    "a web address with no host": Attack(
        [(6, "link 'https:tracker.example' names no host")], "[x](https:tracker.example)\n"),
    # Releases under embargo: no link may reveal them.
    "link to a release with a future date": Attack(
        [(6, f"link '2099-01-01-hemlig.md' {NOT_PUBLIC}")], "Se [kommande](2099-01-01-hemlig.md).\n"),
    "link to a section of it, through the year folder": Attack(
        [(6, f"link '../2026/2099-01-01-hemlig.md#budget' {NOT_PUBLIC}")], "Se [budgeten](../2026/2099-01-01-hemlig.md#budget).\n"),
    "link to a release under embargo": Attack(
        [(6, f"link '2026-11-01-stangd.md' {NOT_PUBLIC}")], "Se [den](2026-11-01-stangd.md).\n",
        files={"sources/2026/2026-11-01-stangd.md": release(
            "title: Hemlig nyhet\ndate: 2026-11-01\nembargo: 2099-01-01T10:00\n", "SEKRETESS-4711\n")}),
    "its source attached": Attack(
        [(5, never_published("attachment", "2099-01-01-hemlig.md", ".md"))],
        front="attachments:\n  - {src: 2099-01-01-hemlig.md, title: Budget}\n"),
}


@pytest.mark.parametrize("name", ATTACKS)
def test_an_attack_is_refused_on_its_line_and_nothing_of_it_is_published(project, name):
    attack = ATTACKS[name]
    run = export_press_room(project, {ATTACKER: release(ATTACKER_FRONT + attack.front, attack.body), **attack.files},
                            expect=None)
    dist = project / "dist"
    refused = len(run.problems) == len(attack.errors) and all(
        problem.startswith(f"{ATTACKER}:{line}: error: ") and part in problem
        for problem, (line, part) in zip(run.problems, attack.errors))
    assert refused, (f"expected {attack.errors}, got:\n" + ("\n".join(run.problems) or "no problem at all")
                     + "\nand published:\n" + "\n".join(leaks(dist)))
    assert run.exit_code == 1
    assert (dist / HARMLESS_PAGE).is_file(), "the harmless release beside the attack is published"
    assert not (dist / "2026/angrepp").exists(), "a refused release publishes nothing"
    assert leaks(dist) == []


def test_the_scan_reads_every_kind_of_output_and_finds_what_is_in_it(project):
    """Without this, the scans above could pass by reading nothing."""
    export_press_room(project, {})
    dist = project / "dist"
    texts = published(dist)
    for kind in ("2026/ofarlig/index.html", "amnen/skola/feed.rss", "feed.rss", "feed.atom", "feed.json",
                 ".newsml.xml", ".ninjs.json", "ofarlig.txt", "ofarlig.pdf", "tider.csv", "ruta.png", "manifest.json"):
        assert any(where.endswith(kind) for where in texts), kind
    assert "allt är som vanligt" in texts["2026/ofarlig/ofarlig.pdf"], "the PDF's streams are read decompressed"
    where_rendered = {where.split(" ")[0] for where, _ in rendered_html(dist)}
    assert {"feed.rss", "feed.atom", "feed.json", HARMLESS_PAGE, "2026/ofarlig/ofarlig.ninjs.json",
            "2026/ofarlig/ofarlig.newsml.xml"} <= where_rendered
    assert leaks(dist) == []

    (dist / "planted.html").write_text('<p><a href=" java\tscript:x()" onclick="x()">x</a></p><script>x()</script>')
    assert dangerous_tokens(dist) == ["planted.html: onclick", "planted.html: <script"]
    assert active_markup(dist) == [
        "planted.html: <a href=' java\\tscript:x()'>", "planted.html: <a onclick='x()'>", "planted.html: <script>"]


# -- 3: what a release may write is still published ---------------------------------------------


def test_the_attributes_a_release_may_write_are_published(project):
    body = "Hon sa [hej]{lang=en} och [salut]{lang=fr dir=ltr}.\n\n::: factbox\n### Fakta\n\nText i rutan.\n:::\n"
    run = export_press_room(project, {HARMLESS: harmless(body)[HARMLESS]})
    assert run.problems == []
    page = (project / "dist" / HARMLESS_PAGE).read_text("utf-8")
    assert '<span lang="en">hej</span>' in page
    assert '<span lang="fr" dir="ltr">salut</span>' in page
    factbox = lxml.html.fromstring(page).xpath("//*[@class='factbox']")
    assert [box.xpath("string(.//h2)") for box in factbox] == ["Fakta"]
    assert leaks(project / "dist") == []


def test_an_autolink_is_published(project):
    """SOURCE-FORMAT.md: autolinks such as <https://www.halmstad.se> are fine (pandoc gives them the class .uri)."""
    run = export_press_room(project, {HARMLESS: harmless("Se <https://www.halmstad.se/bibliotek>.\n")[HARMLESS]}, expect=None)
    assert run.problems == [] and run.exit_code == 0
    page = (project / "dist" / HARMLESS_PAGE).read_text("utf-8")
    assert 'href="https://www.halmstad.se/bibliotek"' in page


@pytest.mark.parametrize("prolog", ["", '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE svg PUBLIC '
                                    '"-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'])
def test_an_svg_that_is_only_drawing_is_published_unchanged(project, prolog):
    """With or without the DOCTYPE that drawing programs write by default."""
    drawing = prolog + svg('<title>Karta</title><rect x="1" y="1" width="10" height="10" fill="#00528f"/>')
    run = export_press_room(project, {HARMLESS: harmless("Se [kartan](karta.svg).\n")[HARMLESS], SVG_FILE: drawing})
    assert run.problems == []
    assert (project / "dist/2026/ofarlig/karta.svg").read_text("utf-8") == drawing
    assert 'href="karta.svg"' in (project / "dist" / HARMLESS_PAGE).read_text("utf-8")
    assert leaks(project / "dist") == []


# -- 4: ids from the body never meet the page's own ----------------------------------------------


@pytest.mark.parametrize("body", [
    "## Main\n\nText.\n", "## Rubrik {#main}\n\nText.\n", "Ett [ord]{#main} här.\n",
    # Ids the body makes twice, or that pandoc also gives its footnotes: each heading still gets its own.
    "## Ett {#z}\n\n## Två {#z}\n\nEtt [ord]{#a} och en not[^1].\n\n## A\n\n## Footnotes\n\n## fn1\n\n[^1]: Noten.\n",
])
def test_an_id_from_the_body_never_meets_the_pages_own(project, body):
    run = export_press_room(project, {HARMLESS: harmless(body)[HARMLESS]})
    assert run.problems == []
    page = lxml.html.fromstring((project / "dist" / HARMLESS_PAGE).read_bytes())
    ids = page.xpath("//@id")
    assert ids.count("main") == 1 and page.xpath("//main/@id") == ["main"]
    assert len(ids) == len(set(ids)), "every id on the page is unique"
    body_ids = page.xpath("//div[@class='body']//@id")
    assert body_ids and all(i.startswith("text-") for i in body_ids), body_ids


# -- 5: text that looks like markup is published as text ------------------------------------------

TITLE = "Rubrik <img src=x onerror=alert(1)>"
LEAD = '"><script>alert(2)</script>'


def test_text_that_looks_like_markup_is_published_as_text_in_every_output(project):
    front = (f"title: {TITLE}\ndate: 2026-11-26\nlead: '{LEAD}'\nplace: <b onmouseover=alert(3)>Halmstad</b>\n"
             "topics: ['<svg onload=alert(4)>']\ncontacts:\n  - {name: '<img src=x onerror=alert(5)>', role: x}\n"
             "attachments:\n  - {src: tider.csv, title: '<iframe src=javascript:alert(6)>'}\n")
    body = ("Kod: `<script>alert(7)</script>` och [länk](https://example.org \"\\\" onmouseover=\\\"alert(8)\").\n\n"
            '```{=html}\n<script>alert(9)</script>\n```\n\n'
            # Text that looks like an address attribute, which a rewrite of the HTML as text would take for one.
            'Sätt href="\\<img src=x onerror=alert(11)\\>" och `src="\\<svg onload=alert(12)\\>"` i sidan.\n')
    run = export_press_room(project, {ATTACKER: release(front, body)})
    assert run.problems == []
    dist = project / "dist"
    page = lxml.html.fromstring((dist / "2026/angrepp/index.html").read_bytes())
    assert page.xpath("string(//h1)") == TITLE, "the text is kept, only made harmless"
    [ld] = page.xpath("//script[@type='application/ld+json']/text()")
    assert json.loads(ld)["headline"] == TITLE
    assert active_markup(dist) == []
