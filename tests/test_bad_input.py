"""Bad input: one `path:line: severity: what; how to fix` line per problem, and the right exit code."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import NOW, SITE, export, png, release, tree, write_tree

from pipeline.cli import main

BASIC = "title: Rubrik\ndate: 2026-11-26\n"

CASES = {
    "a link without text, and one without an address": (
        {"sources/2026/r.md": release(BASIC, "Se [](https://www.halmstad.se/) och [sidan]().\n")},
        ["sources/2026/r.md:6: error: the link to 'https://www.halmstad.se/' has no text, so a screen reader has nothing "
         "to read out; write what it leads to: [the page's name](https://www.halmstad.se/)",
         "sources/2026/r.md:6: error: the link 'sidan' leads nowhere; put the address between the parentheses: [text](https://…)"],
    ),
    "an attachment named like the release's PDF, beside a front matter error": (
        {"sources/2026/r.md": release(BASIC + "lang: svenska\nattachments:\n  - {src: r.pdf, title: Beslut}\n"),
         "sources/2026/r.pdf": b"%PDF-1.4\n"},
        ["sources/2026/r.md:4: error: 'svenska' is not a known language tag; use a BCP 47 tag such as sv, en, nb, fi or en-GB",
         "sources/2026/r.md:6: error: the file 'r.pdf' has the name of one this release publishes itself (its PDF or wire "
         "text); rename the file"],
    ),
    "a folder named like a release": (
        {"sources/2026/mapp.md/bild.png": png()},
        ["sources/2026/mapp.md:1: error: this release cannot be read (Is a directory); make it a readable text file, or remove it",
         "sources/2026/mapp.md/bild.png: warning: this file is not a release and no release uses it; use it in a release "
         "(image, attachment or link), or move it out of sources/"],
    ),
    "two files whose names differ only in case": (
        {"sources/2026/r.md": release(BASIC, "![Ett](Foto.png) ![Två](foto.png)\n"),
         "sources/2026/Foto.png": png(), "sources/2026/foto.png": png(41)},
        ["sources/2026/r.md:6: error: 'foto.png' and 'Foto.png' differ only in upper and lower case, which many servers "
         "do not tell apart; rename one"],
    ),
    "a list left open in the front matter": (
        {"sources/2026/r.md": release(BASIC + "topics: [Kultur\nlead: Ingressen.\n")},
        ["sources/2026/r.md:4: error: a list opened with '[' here is never closed; end it with ']' on this line: "
         "topics: [Kultur, Skola]"],
    ),
    "missing required title": (
        {"sources/2026/r.md": release("date: 2026-11-26\n")},
        ["sources/2026/r.md:2: error: required key 'title' is missing; add 'title: <the headline>'"],
    ),
    "misspelt key": (
        {"sources/2026/r.md": release("titel: Rubrik\ndate: 2026-11-26\n")},
        [
            "sources/2026/r.md:2: warning: unknown key 'titel' is ignored; did you mean 'title'?",
            "sources/2026/r.md:2: error: required key 'title' is missing ('titel' looks like a misspelling of it); add 'title: <the headline>'",
        ],
    ),
    "impossible date": (
        {"sources/2026/r.md": release("title: Rubrik\ndate: 2026-02-30\n")},
        ["sources/2026/r.md:3: error: 'date' has '2026-02-30', which is not a valid date; use 2026-11-26 or 2026-11-26T09:00+01:00"],
    ),
    "date in another format": (
        {"sources/2026/r.md": release('title: Rubrik\ndate: "26/11/2026"\n')},
        ["sources/2026/r.md:3: error: 'date' has '26/11/2026', which is not a valid date; use 2026-11-26 or 2026-11-26T09:00+01:00"],
    ),
    "unknown language": (
        {"sources/2026/r.md": release(BASIC + "lang: svenska\n")},
        ["sources/2026/r.md:4: error: 'svenska' is not a known language tag; use a BCP 47 tag such as sv, en, nb, fi or en-GB"],
    ),
    "key image without alt text": (
        {"sources/2026/r.md": release(BASIC + "image:\n  src: bild.png\n"), "sources/2026/bild.png": png()},
        ["sources/2026/r.md:5: error: 'image.alt' is missing: describe the image for people who cannot see it (or set 'decorative: true' and alt: \"\")"],
    ),
    "image outside sources": (
        {"sources/2026/r.md": release(BASIC + "image:\n  src: ../../hemlig.png\n  alt: Hemlig bild\n"), "hemlig.png": png()},
        ["sources/2026/r.md:5: error: image '../../hemlig.png' is outside the sources folder; copy the file into sources/ and give its path relative to this file"],
    ),
    "remote image": (
        {"sources/2026/r.md": release(BASIC + "image:\n  src: https://example.org/bild.jpg\n  alt: En bild\n")},
        ["sources/2026/r.md:5: error: image 'https://example.org/bild.jpg' is a remote address; nothing is fetched from the network, so copy the file into sources/ and give its path"],
    ),
    "remote image in the body": (
        {"sources/2026/r.md": release(BASIC, "Text.\n\n![Karta](http://example.org/karta.png)\n")},
        ["sources/2026/r.md:8: error: image 'http://example.org/karta.png' is a remote address; nothing is fetched from the network, so copy the file into sources/ and give its path"],
    ),
    "data: image in the body": (
        {"sources/2026/r.md": release(BASIC, "![Punkt](data:image/png;base64,iVBORw0KGgo=)\n")},
        ["sources/2026/r.md:6: error: image 'data:image/png;base64,iVBORw0KGgo=' is a 'data:' address, not a file; put the file in sources/ and give its path"],
    ),
    "raw HTML in the body": (
        {"sources/2026/r.md": release(BASIC, 'Första stycket.\n\n<div class="x">Hej</div>\n\nText med <b>fet</b> stil.\n')},
        [
            "sources/2026/r.md:8: error: raw HTML '<div class=\"x\">' is not allowed in the body; use Markdown (e.g. **bold**, [link](https://…)) or remove it",
            "sources/2026/r.md:10: error: raw HTML '<b>' is not allowed in the body; use Markdown (e.g. **bold**, [link](https://…)) or remove it",
        ],
    ),
    "javascript link": (
        {"sources/2026/r.md": release(BASIC, "Klicka [här](javascript:alert(1)).\n")},
        ["sources/2026/r.md:6: error: link 'javascript:alert(1)' uses 'javascript:', which is not allowed; use an http:, https:, mailto: or tel: address"],
    ),
    "duplicate ids": (
        {
            "sources/2026/a.md": release("title: A\ndate: 2026-11-26\nid: samma\n"),
            "sources/2026/b.md": release("title: B\ndate: 2026-11-26\nid: samma\n"),
        },
        [
            "sources/2026/a.md:4: error: id 'samma' is also used by sources/2026/b.md; give each release its own 'id'",
            "sources/2026/b.md:4: error: id 'samma' is also used by sources/2026/a.md; give each release its own 'id'",
        ],
    ),
    "YAML syntax error": (
        {"sources/2026/r.md": release(BASIC + "topics: [a, b\n")},
        ["sources/2026/r.md:4: error: a list opened with '[' here is never closed; end it with ']' on this line: "
         "topics: [Kultur, Skola]"],
    ),
    "wrong types": (
        {"sources/2026/r.md": release(BASIC + "topics: {a: b}\ndraft: kanske\n")},
        [
            "sources/2026/r.md:4: error: 'topics' must be a list, e.g. [Stadsutveckling, Samverkan]",
            "sources/2026/r.md:5: error: 'draft' must be true or false, not 'kanske'",
        ],
    ),
    "invalid e-mail address": (
        {"sources/2026/r.md": release(BASIC + "contacts:\n  - name: Anna\n    email: anna.example.org\n")},
        ["sources/2026/r.md:6: error: 'anna.example.org' is not an e-mail address (an email address must have an @-sign); write it as name@example.org"],
    ),
    "no front matter": (
        {"sources/2026/r.md": "Bara text.\n"},
        ["sources/2026/r.md:1: error: the front matter is missing; start the file with a '---' line, the fields, and another '---' line"],
    ),
    "body image without alt text": (
        {"sources/2026/r.md": release(BASIC, "Text.\n\n![](bild.png)\n"), "sources/2026/bild.png": png()},
        ["sources/2026/r.md:8: error: image 'bild.png' has no alt text; describe it between the brackets: ![what the image shows](bild.png)"],
    ),
    "missing attachment": (
        {"sources/2026/r.md": release(BASIC + "attachments:\n  - {src: beslut.pdf, title: Beslut}\n")},
        ["sources/2026/r.md:5: error: attachment 'beslut.pdf' does not exist; check the file name (paths are relative to this file)"],
    ),
    "attachment that is a folder": (
        {"sources/2026/r.md": release(BASIC + "attachments:\n  - {src: beslut.pdf, title: Beslut}\n"),
         "sources/2026/beslut.pdf/.keep": ""},
        ["sources/2026/r.md:5: error: attachment 'beslut.pdf' is a folder, not a file; give the path of a file in it"],
    ),
    "site.yaml with an empty url": (
        {"sources/site.yaml": "name: X\nlang: sv\nurl:\n", "sources/2026/r.md": release(BASIC)},
        ["sources/site.yaml:3: error: 'url' is empty; give the public address of the press room, e.g. 'url: https://press.example.org/'"],
    ),
    "unknown time zone": (
        {"sources/site.yaml": SITE + "timezone: Europe/Halmstad\n", "sources/2026/r.md": release(BASIC)},
        ["sources/site.yaml:4: error: timezone 'Europe/Halmstad' is not a known IANA time zone; use e.g. Europe/Stockholm"],
    ),
    "link to a source file that names no release": (
        {"sources/2026/r.md": release(BASIC, "Se [öppettiderna](2026-11-19-oppettider.md).\n")},
        ["sources/2026/r.md:6: error: link '2026-11-19-oppettider.md' names no release under the sources folder; check the file name (paths are relative to this file)"],
    ),
    "link to a release that is not public yet": (
        {"sources/2026/r.md": release(BASIC, "Se [budgeten](b.md).\n"),
         "sources/2026/b.md": release("title: Budget\ndate: 2026-11-26\nembargo: 2026-12-01T10:00:00+01:00\n")},
        ["sources/2026/r.md:6: error: link 'b.md' points at a release that is not public until 2026-12-01 10:00 CET: the link would lead nowhere and reveal its address; remove it until then, or publish this release no earlier"],
    ),
    "link to a draft": (
        {"sources/2026/r.md": release(BASIC, "Se [utkastet](u.md).\n"),
         "sources/2026/u.md": release("title: Utkast\ndate: 2026-11-20\ndraft: true\n")},
        ["sources/2026/r.md:6: error: link 'u.md' points at a draft, which is never published; remove the link, or publish that release first"],
    ),
    "web address without https": (
        {"sources/2026/r.md": release(BASIC, "Läs mer på [lekplatser](www.halmstad.se/lekplatser).\n")},
        ["sources/2026/r.md:6: error: link 'www.halmstad.se/lekplatser' has no 'https://', so it would lead to a file of this release; write it as https://www.halmstad.se/lekplatser"],
    ),
    "empty alt text on a key image": (
        {"sources/2026/r.md": release(BASIC + 'image:\n  src: bild.png\n  alt: ""\n'), "sources/2026/bild.png": png()},
        ["sources/2026/r.md:6: error: the alt text of the key image ('image.alt') is empty: describe the image for people who cannot see it, or set 'decorative: true' if it shows nothing a reader needs"],
    ),
    "correction before the release": (
        {"sources/2026/r.md": release(BASIC + "corrections:\n  - date: 2026-11-20\n    text: Rättat.\n")},
        ["sources/2026/r.md:5: error: correction 1 is dated before the release itself ('date'); give the time the correction was made"],
    ),
    "tab in the front matter": (
        {"sources/2026/r.md": release(BASIC + "contacts:\n\t- name: Anna\n")},
        ["sources/2026/r.md:5: error: a tab character is used for indentation here; YAML needs spaces: replace the tab with spaces (two for each level)"],
    ),
    "colon in an unquoted title": (
        {"sources/2026/r.md": release("title: Budget 2027: satsning på skolan\ndate: 2026-11-26\n")},
        ["sources/2026/r.md:2: error: the value of 'title' holds ': ', which YAML reads as the start of another key; put the whole value in quotes: title: \"Budget 2027: satsning på skolan\""],
    ),
    "straight quote closed by a typographic one": (
        {"sources/2026/r.md": release('title: "Halmstad får ”Quality Mark”\ndate: 2026-11-26\n')},
        ["sources/2026/r.md:2: error: a value starts with a straight quote \" here, but ” is a typographic quote, which YAML does not read as its end; end the value with a straight quote \" too: title: \"Halmstad får ”Quality Mark”\""],
    ),
    "straight quote closed by a typographic one in a list": (
        {"sources/2026/r.md": release(BASIC + 'topics:\n  - "Stadsutveckling”\n')},
        ["sources/2026/r.md:5: error: a value starts with a straight quote \" here, but ” is a typographic quote, which YAML does not read as its end; end the value with a straight quote \" too"],
    ),
    "a link with a NUL byte": (
        {"sources/2026/r.md": release(BASIC, "Se [filen](a%00.pdf) och [den](b%00.md).\n")},
        ["sources/2026/r.md:6: error: linked file 'a\\x00.pdf' is not a file name that can exist; check the name",
         "sources/2026/r.md:6: error: link 'b%00.md' names no release under the sources folder; check the file name (paths are relative to this file)"],
    ),
    "front matter never closed": (
        {"sources/2026/r.md": "---\ntitle: Rubrik\ndate: 2026-11-26\n\nBrödtext.\n"},
        ["sources/2026/r.md:1: error: the front matter starting here is never closed with '---'; add a '---' line after the last field"],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_reported_on_its_line(project, name):
    files, expected = CASES[name]
    write_tree(project, files)
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems == expected
    errors, warnings = len([e for e in expected if ": error: " in e]), len([e for e in expected if ": warning: " in e])
    assert run.stderr.rstrip().splitlines()[-1].endswith(
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    assert not (project / "dist" / "2026").exists(), "a release with errors must publish nothing"


WARNINGS = {
    "heading levels are closed up": (
        release(BASIC, "### Tre\n\nText.\n\n# Ett\n\nText.\n"),
        [
            "sources/2026/r.md:6: warning: heading 'Tre' is written at level 3 and published at level 2: heading levels must follow on from the one above without gaps; write it as ##",
            "sources/2026/r.md:10: warning: heading 'Ett' is written at level 1 and published at level 2: the title is the only level-1 heading; write it as ##",
        ],
    ),
    "updated without a correction": (
        release(BASIC + "updated: 2026-11-27\n"),
        ["sources/2026/r.md:4: warning: 'updated' is given without a 'corrections' entry; say what changed under 'corrections:'"],
    ),
    "topics as one text with commas": (
        release(BASIC + "topics: Kultur och fritid, Stadsutveckling\n"),
        ["sources/2026/r.md:4: warning: 'topics' is one text holding commas, read as 2 entries; write it as a list, [Kultur och fritid, Stadsutveckling] (put an entry that holds a comma in quotes)"],
    ),
    "title in typographic quotes": (
        release("title: ”Ny lekplats i Strandparken”\ndate: 2026-11-26\n"),
        ["sources/2026/r.md:2: warning: 'title' is wrapped in typographic quotes (”…”), which are published as part of the text; if they belong to it, wrap the value in straight quotes ('”Ny lekplats i Strandparken”'), otherwise remove them"],
    ),
    "a paragraph starting with --": (
        release(BASIC, "Första stycket.\n\n-- Det här är ett citat, säger Anna.\n"),
        ["sources/2026/r.md:8: warning: the paragraph starts with '--', which is published as the dash '–'; type '– ' to write it yourself"],
    ),
}


@pytest.mark.parametrize("name", WARNINGS)
def test_warnings_still_publish(project, name):
    source, expected = WARNINGS[name]
    write_tree(project, {"sources/2026/r.md": source})
    run = export("sources", "--now", NOW, "-q")
    assert run.problems == expected
    assert run.exit_code == 0
    assert (project / "dist/2026/r/index.html").is_file()


def test_closed_up_headings_are_published_without_gaps(project):
    write_tree(project, {"sources/2026/r.md": release(BASIC, "#### Fyra\n\nText.\n\n##### Fem\n\n## Två\n")})
    export("sources", "--now", NOW, "-q")
    page = (project / "dist/2026/r/index.html").read_text("utf-8")
    assert '<h2 id="text-fyra">Fyra</h2>' in page
    assert '<h3 id="text-fem">Fem</h3>' in page
    assert '<h2 id="text-två">Två</h2>' in page


def test_every_problem_in_a_file_is_reported_not_just_the_first(project):
    write_tree(project, {"sources/2026/r.md": release("date: 2026-13-01\nlang: xx-yy-zz\ndraft: 3\n", "[a](file:///etc/passwd)\n")})
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert [p.split(": error: ")[0] + ": " + p.split(": error: ")[1][:12] for p in run.problems] == [
        "sources/2026/r.md:2: required key",  # no title
        "sources/2026/r.md:2: 'date' has '",
        "sources/2026/r.md:3: 'xx-yy-zz' i",
        "sources/2026/r.md:4: 'draft' must",
        "sources/2026/r.md:7: link 'file:/",  # the body, checked although the front matter failed
    ], run.stderr


def test_a_bad_release_does_not_stop_the_others(project):
    write_tree(project, {
        "sources/2026/bra.md": release("title: Bra\ndate: 2026-11-20\n"),
        "sources/2026/trasig.md": release("title: Trasig\ndate: 2026-99-01\n"),
    })
    run = export("sources", "--now", NOW, expect=1)
    assert (project / "dist/2026/bra/index.html").is_file()
    assert not (project / "dist/2026/trasig").exists()
    assert run.stderr.strip().endswith("1 new, 1 failed: 1 error, 0 warnings")
    again = export("sources", "--now", NOW, expect=1)
    assert again.stderr == run.stderr.replace("1 new", "1 unchanged"), "a failure is reported on every export, never cached away"


def test_broken_site_yaml_leaves_dist_untouched(project):
    write_tree(project, {"sources/2026/r.md": release(BASIC)})
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    before = tree(project / "dist")
    write_tree(project, {"sources/site.yaml": "name: [oj\n"})
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems[0].startswith("sources/site.yaml:")
    after = tree(project / "dist")
    assert after == before


def test_a_theme_template_that_cannot_be_read_is_one_line_and_publishes_nothing(project):
    write_tree(project, {"sources/2026/r.md": release(BASIC), "sources/2026/s.md": release(BASIC.replace("Rubrik", "Två"))})
    export("sources", "--now", NOW, "-q")
    before = tree(project / "dist")
    write_tree(project, {"themes/default/templates/base.html": "<!doctype html>\n{% if %}\n"})  # saved half-written
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems == ["themes/default/templates/base.html:2: error: this template cannot be read (Expected an "
                            "expression, got 'end of statement block'); mend it, or delete it to use the built-in one"]
    assert "Traceback" not in run.stderr
    assert tree(project / "dist") == before
    checked = CliRunner().invoke(main, ["check", "--now", NOW])
    assert checked.exit_code == 1 and checked.stdout.startswith(run.problems[0]), "press check says so too"


def test_usage_errors_exit_2(project):
    export("no-such-folder", expect=2)
    export("sources", "--now", "tomorrow", expect=2)


def test_a_bug_is_reported_as_an_internal_error_not_as_bad_content(project, monkeypatch):
    import pipeline.build.release

    def broken(doc, now):
        raise KeyError("oops")

    monkeypatch.setattr(pipeline.build.release, "text_of", broken)
    write_tree(project, {"sources/2026/r.md": release(BASIC)})
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems == [
        "sources/2026/r.md:1: error: internal error while building this release (KeyError: 'oops'); rerun with --debug for the traceback and report it"
    ]
    assert run.exit_code == 1 and "Traceback" not in run.stderr
    assert not (project / "dist/2026/r").exists()
    with pytest.raises(KeyError):
        export("sources", "--now", NOW, "-q", "--debug")


def test_a_release_that_takes_an_id_already_published_fails_alone(project):
    write_tree(project, {"sources/2026/a.md": release("title: A\ndate: 2026-11-20\nid: samma\n")})
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    write_tree(project, {"sources/2026/b.md": release("title: B\ndate: 2026-11-26\nid: samma\n")})
    run = export("sources", "--now", NOW, expect=1)
    assert run.problems == ["sources/2026/b.md:4: error: id 'samma' is already published by sources/2026/a.md; give each release its own 'id'"]
    assert "unchanged  sources/2026/a.md" in run.stdout.splitlines()
    assert (project / "dist/2026/a/index.html").is_file() and not (project / "dist/2026/b").exists()


def test_a_date_that_differs_from_the_file_name_is_a_warning(project):
    write_tree(project, {"sources/2026/2026-11-26-lekplats.md": release("title: Lekplats\ndate: 2025-11-26\n")})
    run = export("sources", "--now", NOW, "-q")
    assert run.problems == [
        "sources/2026/2026-11-26-lekplats.md:3: warning: 'date' is 2025-11-26 but the file name says 2026-11-26; "
        "correct the one that is wrong (the release is published under 2025/)"
    ]
    assert run.exit_code == 0


def test_files_that_are_not_releases_and_that_nothing_uses_are_named(project):
    write_tree(project, {
        "sources/2026/r.md": release(BASIC + "image: {src: bild.png, alt: En blå ruta}\n", "Se [beslutet](beslut.pdf).\n"),
        "sources/2026/bild.png": png(),
        "sources/2026/beslut.pdf": b"%PDF-1.4\n",
        "sources/2026/utkast.md": release("title: Utkast\ndate: 2026-11-20\ndraft: true\nimage: {src: kommande.png, alt: X}\n"),
        "sources/2026/kommande.png": png(),
        "sources/2026/Pressmeddelande lekplats.docx": b"PK\x03\x04",
        "sources/2026/gammal.png": png(),
        "sources/.git/config": "hidden folders are not the press room's",
    })
    run = export("sources", "--now", NOW, "-q")
    assert run.problems == [
        "sources/2026/Pressmeddelande lekplats.docx: warning: this file is not a release and no release uses it; "
        'make a release of it with press import "sources/2026/Pressmeddelande lekplats.docx", then move the document '
        "out of sources/",
        "sources/2026/gammal.png: warning: this file is not a release and no release uses it; "
        "use it in a release (image, attachment or link), or move it out of sources/",
    ]
    assert run.exit_code == 0
