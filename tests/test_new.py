"""`press new`: a release to fill in, which cannot go out half-written."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import NOW, export, png, write_tree

from pipeline.cli import main
from pipeline.source.template import TEMPLATES

FILE = "sources/2026/2026-11-26-ny-lekplats-i-strandparken.md"


def new(*args: str, expect: int = 0):
    result = CliRunner().invoke(main, ["new", *args], catch_exceptions=False)
    assert result.exit_code == expect, f"press new {' '.join(args)} exited {result.exit_code}:\n{result.stderr}"
    return result


def filled(text: str, lang: str) -> str:
    """The release as a communicator leaves it: every placeholder replaced by text of their own."""
    t = TEMPLATES[lang]
    for placeholder, own in [(t.lead, "Strandparken får en ny lekplats med klätterställning och sandlåda."),
                             (t.body[0], "Lekplatsen byggs under våren och öppnar i maj."),
                             (t.body[1], "– Barnen har fått vara med och bestämma, säger Anna Berg, parkchef."),
                             (t.name, "Anna Berg"), (t.role, "parkchef"), (t.phone, "035-13 70 00"),
                             (t.email, "anna.berg@example.org")]:
        assert placeholder in text
        text = text.replace(placeholder, own)
    return text


def test_a_new_release_is_written_where_its_date_says_and_refused_while_it_holds_the_template(project):
    run = new("Ny lekplats i Strandparken", "--date", "2026-11-26T09:00", "--topic", "Fritid")
    assert run.stdout == FILE + "\n"
    text = (project / FILE).read_text("utf-8")
    assert text.startswith("---\ntitle: Ny lekplats i Strandparken\ndate: 2026-11-26T09:00:00+01:00\n"
                           "id: 2026-11-26-ny-lekplats-i-strandparken  # Releasens id; ändra det aldrig när den är "
                           "publicerad.\n")
    assert re.search(r"^topics: \[Fritid\] +# Ämnen; ", text, re.M)
    assert re.search(r"^# embargo: 2026-11-26T10:00:00\+01:00 +# Inte offentligt före den här tiden\.$", text, re.M)

    failed = export("sources", "--now", NOW, expect=1)
    assert failed.problems == [
        f"{FILE}:5: error: the lead still holds the template's text; write one or two sentences with the most important news",
        f"{FILE}:9: error: the contact still holds the template's text in name, role, phone and email; write who "
        "answers questions about this release, or remove the contact",
        f"{FILE}:30: error: the body still holds the template's text; write the release's own text in its place",
        f"{FILE}:32: error: the body still holds the template's text; write the release's own text in its place",
    ]
    assert not (project / "dist/2026/ny-lekplats-i-strandparken").exists()

    (project / FILE).write_text(filled(text, "sv"), "utf-8")
    run = export("sources", "--now", NOW)
    assert run.problems == [] and f"new        {FILE}" in run.stdout
    page = (project / "dist/2026/ny-lekplats-i-strandparken/index.html").read_text("utf-8")
    assert "Strandparken får en ny lekplats" in page and "Anna Berg" in page


@pytest.mark.parametrize("lang", sorted(TEMPLATES))
def test_every_language_s_template_publishes_cleanly_once_filled_in(project, lang):
    """No template leaves a warning behind: its commented-out fields, its YAML and its body are sound."""
    new("Ny lekplats i Strandparken", "--date", "2026-11-26T09:00", "--lang", lang, "--draft")
    text = (project / FILE).read_text("utf-8")
    assert f"\nlang: {lang}\n" in text and "\ndraft: true " in text
    draft = export("sources", "--now", NOW)  # a draft is being written: what is left of the template is said, not refused
    assert f"draft      {FILE}" in draft.stdout
    assert [p.split(": ")[1] for p in draft.problems] == ["warning"] * 4
    assert all(p.endswith("; it is a draft, so nothing is published yet") for p in draft.problems)
    (project / FILE).write_text(filled(text, lang).replace("\ndraft: true ", "\n# draft: true "), "utf-8")
    assert export("sources", "--now", NOW).problems == []


def test_an_existing_release_is_never_overwritten_nor_its_address_taken(project):
    new("Ny lekplats i Strandparken", "--date", "2026-11-26T09:00")
    (project / FILE).write_text("mine", "utf-8")
    run = new("Ny lekplats i Strandparken", "--date", "2026-11-27T10:00", "--folder", "2026/park")
    assert run.stdout == "sources/2026/park/2026-11-27-ny-lekplats-i-strandparken-2.md\n", "2026/ny-lekplats-i-strandparken/ is taken"
    assert (project / FILE).read_text("utf-8") == "mine"
    from pipeline.source.template import write_new

    with pytest.raises(FileExistsError):
        write_new(project / FILE, "theirs")
    assert (project / FILE).read_text("utf-8") == "mine"
    assert sorted(p.name for p in (project / "sources/2026").iterdir()) == ["2026-11-26-ny-lekplats-i-strandparken.md", "park"]


def test_the_id_is_unique_among_the_press_room_s_releases(project):
    write_tree(project, {"sources/arkiv/gammal.md": "---\ntitle: Gammal\ndate: 2026-01-01\nid: 2026-11-26-lekplats\n---\n"})
    new("Lekplats", "--date", "2026-11-26T09:00", "--folder", "2026/park")
    text = (project / "sources/2026/park/2026-11-26-lekplats.md").read_text("utf-8")
    assert "\nid: 2026-11-26-lekplats-2  " in text


def test_a_headline_with_a_colon_or_quotes_stays_the_headline(project):
    title = 'Budget 2027: "en ansvarsfull budget" #prio'
    new(title, "--date", "2026-11-26T09:00", "--embargo", "2026-11-26T10:00")
    [path] = (project / "sources/2026").glob("*.md")
    assert path.name == "2026-11-26-budget-2027-en-ansvarsfull-budget-prio.md"
    import yaml

    front = yaml.safe_load(path.read_text("utf-8").split("---\n")[1])
    assert front["title"] == title and front["embargo"].isoformat() == "2026-11-26T10:00:00+01:00"


@pytest.mark.parametrize(("args", "message"), [
    (["  "], "give the headline as TITLE, on one line"),
    (["Titel", "--lang", "svenska"], "'svenska' is not a known language tag"),
    (["Titel", "--folder", "../ute"], "must be a folder inside the sources folder"),
    (["Titel", "--date", "2026-11-26T10:00", "--embargo", "2026-11-26T09:00"], "the embargo ends before the release's date"),
    (["Titel", "--sources", "finns-inte"], "sources folder 'finns-inte' does not exist"),
])
def test_a_mistake_on_the_command_line_says_what_to_do_and_writes_nothing(project, args, message):
    run = new(*args, expect=2)
    assert message in run.stderr
    assert sorted(p.name for p in (project / "sources").rglob("*")) == ["site.yaml"]


def test_a_broken_site_yaml_is_reported_and_nothing_is_written(project):
    write_tree(project, {"sources/site.yaml": "name: [oj\n"})
    run = new("Titel", expect=1)
    assert run.stderr.startswith("sources/site.yaml:") and "no release was written: correct site.yaml first" in run.stderr
    assert not (project / "sources/2026").exists()


def test_edit_opens_the_new_release_in_the_editor(project, monkeypatch):
    editor = project / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "%s" "$1" > opened.txt\n', "utf-8")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    new("Ny lekplats i Strandparken", "--date", "2026-11-26T09:00", "--edit")
    assert (project / "opened.txt").read_text("utf-8") == FILE


def test_what_is_left_of_the_template_anywhere_is_found(project):
    """Not only whole placeholders: a quote half rewritten, an example value uncommented as it was."""
    new("Ny lekplats i Strandparken", "--date", "2026-11-26T09:00")
    text = filled((project / FILE).read_text("utf-8"), "sv")
    text = text.replace("– Barnen har fått vara med och bestämma, säger Anna Berg, parkchef.",
                        "– Barnen har fått bestämma, säger Förnamn  Efternamn, titel.")
    text = text.replace("# image:", "image:").replace("#   src: bild.jpg", "  src: bild.png")
    text = text.replace("#   alt: Vad bilden visar.", "  alt: Vad bilden visar.")
    text = re.sub(r"\n# attachments: .*\n#   - src: beslut.pdf +#.*\n#     title: Beslutet \(PDF\) +#.*",
                  "\nattachments:\n  - src: beslut.pdf\n    title: Beslutet (PDF)", text)
    (project / FILE).write_text(text, "utf-8")
    write_tree(project, {"sources/2026/bild.png": png(1600, 1000), "sources/2026/beslut.pdf": b"%PDF-1.4\n"})
    problems = export("sources", "--now", NOW, expect=1).problems
    lines = {int(p.split(":")[1]): p.split(": error: ")[1].split(";")[0] for p in problems}
    assert sorted(lines.values()) == ["the attachment's title is still the template's example",
                                      "the body still holds the template's text",
                                      "the image's alt text is still the template's example"]


def test_a_hidden_folder_or_an_empty_topic_is_refused(project):
    assert "a hidden folder, which an export never reads" in new("T", "--folder", ".utkast", expect=2).output
    assert "a topic is empty" in new("T", "--topic", " ", expect=2).output
