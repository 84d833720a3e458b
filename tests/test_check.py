"""`press check`: what an export would say, and the editorial checks a press office needs, without publishing."""

from __future__ import annotations

import contextlib
import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import NOW, ROOT, export, png, release, write_tree

from pipeline.cli import main

LATER = "2026-11-28T10:00:00+01:00"

# One release for each kind of editorial finding; each line of the body is there to trigger one.
FLAWED = {
    "sources/2026/liten.png": png(800, 600),
    "sources/2026/2026-11-20-lekplats.md": release(
        "title: NY LEKPLATS I STRANDPARKEN.\ndate: 2026-11-20T09:00\nembargo: 2026-11-20T10:00\n"
        "lead: Kommunen skall bygga en lekplats.\nimage:\n  src: liten.png\n  alt: liten.png\n",
        "Läs mer [här](https://www.halmstad.se/lekplatser) eller på "
        "[https://www.halmstad.se/parker](https://www.halmstad.se/parker).\n\n"
        "![Bild av en gunga vid stranden](liten.png)\n\n"
        "DETTA ÄR VIKTIGT ATT VETA.\n\n"
        "-------- -----\nVardagar 10–19\nHelger   11–16\n-------- -----\n"),
    "sources/2026/2026-11-21-budget.md": release(
        "title: Budgetförslaget för nästa verksamhetsår\ndate: 2026-11-21T09:00\ntopics: [Ekonomi]\n"
        "contacts:\n  - name: Anna Berg\n",
        "Kommunstyrelsens budgetförslag innebär omfattande investeringar i förskoleverksamhet, äldreomsorg och "
        "infrastruktursatsningar, vilka sammantaget förväntas medföra betydande förbättringar för kommuninvånarna "
        "under planeringsperioden samt möjliggöra långsiktigt hållbara verksamhetsförutsättningar för samtliga "
        "förvaltningar och kommunala bolag.\n\n"
        "Förvaltningsorganisationens effektiviseringsåtgärder kompletteras med kompetensutvecklingsinsatser. "
        "Sammanfattningsvis bedömer förvaltningen att förslaget överensstämmer med målsättningarna. "
        "Digitaliseringsprojekten prioriteras. Investeringsbudgeten finansieras huvudsakligen genom "
        "upplåning, exploateringsintäkter och försäljningsinkomster.\n"),
    "sources/2026/2026-12-24-harbour.md": release(
        "title: The new harbour route\ndate: 2026-12-24T09:00\nlang: en\ntopics: [Traffic]\n"
        "contacts:\n  - name: Anna Berg\n",
        "The municipality's comprehensive infrastructure investment programme consequently facilitates substantially "
        "improved accessibility opportunities. Environmental sustainability considerations additionally necessitated "
        "extraordinarily comprehensive consultation procedures involving numerous organisational representatives. "
        "Implementation commences immediately, notwithstanding considerable administrative complications regarding "
        "procurement documentation. Additional infrastructure improvements necessitate supplementary authorisation "
        "from regional transportation authorities. Construction operations are anticipated to continue throughout "
        "the forthcoming administrative period.\n"),
}


def check(*args: str, expect: int = 0):
    result = CliRunner().invoke(main, ["check", *args], catch_exceptions=False)
    assert result.exit_code == expect, f"press check {' '.join(args)} exited {result.exit_code}:\n{result.output}"
    return result


def test_the_example_releases_give_no_finding(tmp_path):
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    with contextlib.chdir(tmp_path):
        run = check("--now", NOW, "--strict")
    assert run.stdout == ""
    assert run.stderr == "3 releases checked: 0 errors, 0 warnings, 0 notes\n"


def test_every_editorial_check_fires_with_a_line_that_says_what_to_do(project):
    write_tree(project, FLAWED)
    run = check("--now", LATER)
    assert run.stdout.splitlines() == EXPECTED
    assert run.stderr == "3 releases checked: 0 errors, 19 warnings, 2 notes\n"
    assert not (project / "dist").exists(), "press check publishes nothing"
    again = check("--now", LATER)
    assert (again.stdout, again.stderr) == (run.stdout, run.stderr), "what the build cache kept says the same"


EXPECTED = [
    'sources/2026/2026-11-20-lekplats.md:2: warning: the title ends in a full stop, which headlines leave out; remove it',
    'sources/2026/2026-11-20-lekplats.md:2: warning: the title is written in capitals, which are hard to read and read out letter by letter by some screen readers; write it in ordinary case',
    "sources/2026/2026-11-20-lekplats.md:2: warning: the release names no contact person of its own; add 'contacts:' with who answers journalists' questions",
    "sources/2026/2026-11-20-lekplats.md:2: note: the release has no topic, so it is in no topic's listing or feed; add e.g. 'topics: [Kultur]'",
    'sources/2026/2026-11-20-lekplats.md:4: note: the embargo ended 2026-11-20 10:00; the line can go',
    "sources/2026/2026-11-20-lekplats.md:5: warning: 'skall' is officialese; write 'ska'",
    'sources/2026/2026-11-20-lekplats.md:6: warning: the key image has no credit; add \'credit:\' under \'image:\' with the photographer or source (quote it: credit: "Foto: …")',
    'sources/2026/2026-11-20-lekplats.md:6: warning: the key image is 800 pixels wide, less than the 1200 a newspaper needs to print it; use a larger original',
    "sources/2026/2026-11-20-lekplats.md:8: warning: the alt text is the file name 'liten.png'; describe what the image shows",
    "sources/2026/2026-11-20-lekplats.md:11: warning: the link text 'här' does not say where the link leads, which is all a screen reader's list of links shows; write what the reader will find, e.g. [the budget proposal](…)",
    "sources/2026/2026-11-20-lekplats.md:11: warning: the link text 'https://www.halmstad.se/parker' does not say where the link leads, which is all a screen reader's list of links shows; write what the reader will find, e.g. [the budget proposal](…)",
    "sources/2026/2026-11-20-lekplats.md:13: warning: the alt text starts with 'Bild av', which a screen reader says already; start with what the image shows",
    'sources/2026/2026-11-20-lekplats.md:15: warning: this paragraph has words written in capitals, which are hard to read; use ordinary case (emphasis with **bold** if it must stand out)',
    'sources/2026/2026-11-20-lekplats.md:18: warning: the table has no header row, so a screen reader cannot say what each column holds; write the column names in its first row, above a line of dashes (| Dag | Öppet |, then |---|---|)',
    "sources/2026/2026-11-21-budget.md:9: warning: a sentence of 31 words ('Kommunstyrelsens budgetförslag innebär omfattande investeringar i …'), more than 30; split it in two",
    'sources/2026/2026-11-21-budget.md:9: warning: the text has a LIX of 85 (very hard to read; 55 at most is asked); use shorter sentences and shorter words',
    "sources/2026/2026-12-24-harbour.md:3: warning: the date is in the future and there is no embargo: the release goes out then, but news agencies get no press copy beforehand; if they should, add 'embargo:' with the same time",
    "sources/2026/2026-12-24-harbour.md:10: warning: 'facilitates' is officialese; write 'help, make easier'",
    "sources/2026/2026-12-24-harbour.md:10: warning: 'commences' is officialese; write 'start, begin'",
    "sources/2026/2026-12-24-harbour.md:10: warning: 'notwithstanding' is officialese; write 'despite'",
    'sources/2026/2026-12-24-harbour.md:10: warning: the text has a Flesch reading ease of -135 (very hard; 50 at least is asked); use shorter sentences and shorter words',
]


def test_after_an_export_a_check_converts_nothing_again_and_says_the_same(project, monkeypatch):
    import pipeline.body.document

    write_tree(project, FLAWED)
    export("sources", "--now", NOW)  # a day before the check: what depends on the time is judged at the check's

    def no_pandoc(*args, **kwargs):
        raise AssertionError("a release the export converted was converted again")

    with monkeypatch.context() as patched:
        patched.setattr(pipeline.body.document, "markdown_to_asts", no_pandoc)
        run = check("--now", LATER)
    assert run.stdout.splitlines() == EXPECTED
    assert run.stderr == "3 releases checked: 0 errors, 19 warnings, 2 notes\n"
    # An edit after the export: that release is read again, and its new finding said.
    path = project / "sources/2026/2026-11-21-budget.md"
    path.write_text(path.read_text("utf-8").replace("Digitaliseringsprojekten", "Digitaliseringsprojekten skall"), "utf-8")
    said = check("--now", LATER).stdout.splitlines()
    assert "sources/2026/2026-11-21-budget.md:11: warning: 'skall' is officialese; write 'ska'" in said
    files = [line.split(":")[0] for line in said]
    assert files == sorted(files), "in file order, though the edited release was read again and the others were not"
    # An image replaced after the export: the release using it is read again.
    (project / "sources/2026/liten.png").write_bytes(png(1600, 1200))
    assert "pixels wide" not in check("--now", LATER).stdout


def test_strict_fails_on_warnings_and_json_says_the_same_findings(project):
    write_tree(project, FLAWED)
    check("--now", LATER, "--strict", expect=1)
    findings = json.loads(check("--now", LATER, "--format", "json").stdout)
    assert [f"{f['path']}:{f['line']}: {f['severity']}: {f['message']}" for f in findings] == EXPECTED


def test_site_yaml_chooses_the_checks_and_their_thresholds(project):
    write_tree(project, {**FLAWED, "sources/site.yaml": (
        "name: Testkommunen\nurl: https://press.example.org/\nlang: sv\n"
        "check:\n  skip: [officialese, capitals, topic, contact, image-credit, image-size, embargo, alt-text, "
        "link-text, table-header, title]\n  lix: 90\n  flesch: 0\n  sentence_words: 40\n")})
    run = check("--now", LATER)
    flesch = [line.replace("50 at least", "0 at least") for line in EXPECTED if "Flesch" in line]
    assert run.stdout.splitlines() == flesch, "every check skipped or within its threshold but an English text at -135"


def test_a_check_site_yaml_does_not_know_is_named_with_the_closest_one(project):
    write_tree(project, {"sources/site.yaml": "name: T\nurl: https://press.example.org/\nlang: sv\ncheck:\n  skip: [oficialese]\n"})
    run = check("--now", LATER)
    assert run.stdout == "sources/site.yaml:5: warning: 'check.skip' names no check 'oficialese'; did you mean 'officialese'?\n"


def test_release_files_given_are_the_only_ones_reported_but_judged_against_all(project):
    write_tree(project, {**FLAWED, "sources/2026/kopia.md": release("title: Kopia\ndate: 2026-11-20\nid: 2026-11-21-budget\n"
                                                                      "topics: [Ekonomi]\ncontacts:\n  - name: Anna Berg\n")})
    run = check("sources/2026/kopia.md", "--now", LATER, expect=1)
    assert run.stdout == ("sources/2026/kopia.md:4: error: id '2026-11-21-budget' is also used by sources/2026/2026-11-21-budget.md; "
                          "give each release its own 'id'\n")
    assert run.stderr == "1 release checked: 1 error, 0 warnings, 0 notes\n"


def test_what_an_export_refuses_is_an_error_here_too(project):
    write_tree(project, {"sources/2026/trasig.md": release('title: "Budget: 2027\ndate: 2026-11-20\n', "Text.\n")})
    run = check("--now", LATER, expect=1)
    assert run.stdout.startswith("sources/2026/trasig.md:2: error: ")


def test_a_release_still_holding_the_template_is_refused(project):
    CliRunner().invoke(main, ["new", "Ny lekplats", "--date", "2026-11-26T09:00"], catch_exceptions=False)
    run = check("--now", LATER, expect=1)
    assert [line.split(": error: ")[1].split(";")[0] for line in run.stdout.splitlines()] == [
        "the lead still holds the template's text", "the contact still holds the template's text in name, role, phone and email",
        "the body still holds the template's text", "the body still holds the template's text"]


@pytest.mark.parametrize(("paths", "message"), [
    (["elsewhere.md"], "'elsewhere.md' is not in a sources folder"),
    (["sources/2026/liten.png"], "'sources/2026/liten.png' is not a release (a .md file); give release files, or the "
                                 "sources folder"),
])
def test_a_path_outside_the_sources_or_not_a_release_is_a_usage_error(project, paths, message):
    write_tree(project, {**FLAWED, "elsewhere.md": "x"})
    assert message in check(*paths, expect=2).output


def test_site_yaml_given_checks_every_release_it_sets(project):
    write_tree(project, FLAWED)
    run = check("sources/site.yaml", "--now", LATER)
    assert run.stdout.splitlines() == EXPECTED and run.stderr.startswith("3 releases checked:")


def test_a_second_check_reads_again_only_what_changed_and_what_relies_on_it(project):
    write_tree(project, {
        "sources/2026/a.md": release("title: A\ndate: 2026-11-20\ntopics: [T]\ncontacts:\n  - name: Anna Berg\n",
                                     "Läs om [B](b.md).\n"),
        "sources/2026/b.md": release("title: B\ndate: 2026-11-21\ntopics: [T]\ncontacts:\n  - name: Anna Berg\n"),
    })
    assert check("--now", LATER).stdout == ""
    write_tree(project, {"sources/2026/b.md": release("title: B\ndate: 2026-12-24\nembargo: 2026-12-24\ntopics: [T]\n"
                                                       "contacts:\n  - name: Anna Berg\n")})
    run = check("--now", LATER, expect=1)
    assert run.stdout.startswith("sources/2026/a.md:9: error: link 'b.md' points at a release that is not public until "
                                 "2026-12-24 00:00 CET"), "a.md did not change, but what its link relies on did"
    write_tree(project, {"sources/2026/a.md": release("title: A\ndate: 2026-11-20\ntopics: [T]\ncontacts:\n"
                                                       "  - name: Anna Berg\n", "Läs om B [här](https://example.org/b).\n")})
    assert check("--now", LATER).stdout.startswith("sources/2026/a.md:9: warning: the link text 'här' does not say")


def test_many_changed_releases_read_in_several_processes_say_the_same(project, monkeypatch):
    import pipeline.build.check

    monkeypatch.setattr(pipeline.build.check, "BATCH", 1)  # one body per batch: three batches for two processes
    write_tree(project, FLAWED)
    assert check("--now", LATER, "-j", "2").stdout.splitlines() == EXPECTED


def test_a_build_cache_that_cannot_be_written_only_costs_time(project):
    write_tree(project, FLAWED)
    (project / ".cache").write_text("not a folder", "utf-8")
    assert check("--now", LATER).stdout.splitlines() == EXPECTED


def test_a_link_to_a_release_under_embargo_is_said_the_same_on_every_check(project):
    """The linking release is read again each time (it has an error); the release it links to comes from the cache."""
    write_tree(project, {
        "sources/2026/a.md": release("title: A\ndate: 2026-11-20\ntopics: [T]\ncontacts:\n  - name: Anna Berg\n",
                                     "Läs om [B](b.md).\n"),
        "sources/2026/b.md": release("title: B\ndate: 2026-12-10T10:00\nembargo: 2026-12-10T10:00\ntopics: [T]\n"
                                     "contacts:\n  - name: Anna Berg\n"),
    })
    said = [check("--now", LATER, expect=1).stdout for _ in range(3)]
    assert said[0].startswith("sources/2026/a.md:9: error: link 'b.md' points at a release that is not public until "
                              "2026-12-10 10:00 CET") and said[1] == said[0] and said[2] == said[0]
