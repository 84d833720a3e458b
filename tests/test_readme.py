"""The README and the project itself: its command reference is --help, and it needs nothing beside the repository."""

from __future__ import annotations

import os
import re

import pytest
from click.testing import CliRunner
from conftest import ROOT

from pipeline.cli import main


@pytest.mark.parametrize("command", sorted(main.commands))
def test_readme_command_reference_matches_help(command):
    readme = ROOT / "README.md"
    text = readme.read_text("utf-8")
    help_text = CliRunner().invoke(main, [command, "--help"], prog_name="press", terminal_width=80).output
    block = f"<!-- help:{command} -->\n```text\n{help_text}```\n<!-- /help:{command} -->"
    current = re.search(rf"<!-- help:{command} -->.*?<!-- /help:{command} -->", text, re.S)
    assert current, f"README lacks the <!-- help:{command} --> block"
    if os.environ.get("UPDATE_GOLDEN"):
        assert not os.environ.get("CI"), "UPDATE_GOLDEN is refused when CI is set"
        readme.write_text(text.replace(current[0], block), "utf-8")
        return
    assert current[0] == block, "README command reference is out of date: run UPDATE_GOLDEN=1 make test"


def test_readme_starts_with_the_two_setup_commands():
    head = (ROOT / "README.md").read_text("utf-8").split("\n\n")[1]
    assert "make export" in head and "make test" in head


def test_a_read_beside_the_repository_fails_the_test_that_made_it():
    from conftest import READS_BESIDE

    sibling = ROOT.parent / "beside-the-repository" / "no-such-schema.xsd"
    try:
        open(sibling, "rb")  # noqa: SIM115
    except OSError:
        pass
    assert READS_BESIDE[-1:] == [str(sibling)]
    READS_BESIDE.pop()  # caught: this test passes only because it saw the read


def test_the_schemas_travel_inside_the_package():
    for schema in ("atom/atom.rng", "newsml-g2/NewsML-G2_2.35-spec-All-Power.xsd", "newsml-g2/xml.xsd",
                   "ninjs/ninjs-schema_3.1.json", "ninjs/GeoJSON-schema.json"):
        assert (ROOT / "pipeline" / "verify" / "schemas" / schema).is_file(), schema
    licences = (ROOT / "pipeline" / "verify" / "schemas" / "README.md").read_text("utf-8")
    assert "Creative Commons Attribution 4.0" in licences and "RFC 4287" in licences


def test_no_code_names_a_folder_beside_the_repository():
    """lxml and subprocesses open files unseen by the audit hook in conftest: no path may point there either."""
    pattern = re.compile(r"""["'/]shared\b|ROOT\.parent\s*/\s*["'](?!beside-the-repository)""")
    files = [*ROOT.glob("tests/*.py"), *ROOT.glob("pipeline/**/*.py"), *ROOT.glob("bench/*.py"), ROOT / "Makefile", ROOT / ".ci/run"]
    found = [f"{p.relative_to(ROOT)}:{n}" for p in files for n, line in enumerate(p.read_text("utf-8").split("\n"), 1)
             if pattern.search(line)]
    assert not found


def test_the_source_format_reference_is_in_the_repository_and_names_every_field():
    from pipeline.source import load

    assert "[SOURCE-FORMAT.md](SOURCE-FORMAT.md)" in (ROOT / "README.md").read_text("utf-8")
    reference = (ROOT / "SOURCE-FORMAT.md").read_text("utf-8")
    keys = set(load.SITE_KEYS + load.RELEASE_KEYS + load.CONTACT_KEYS + load.IMAGE_KEYS + load.ATTACHMENT_KEYS
               + load.CORRECTION_KEYS + load.BOILERPLATE_KEYS)
    keys |= {f"feeds.{k}" for k in load.FEEDS_KEYS} | {f"wire.{k}" for k in load.WIRE_KEYS}
    assert sorted(k for k in keys if f"`{k}`" not in reference) == []


def test_every_module_the_documents_name_exists():
    named = {(doc.name, path) for doc in [ROOT / "README.md", ROOT / "SOURCE-FORMAT.md", *ROOT.glob("docs/*.md")]
             for path in re.findall(r"pipeline/[a-z_/]+\.py", doc.read_text("utf-8"))}
    assert named and not [(doc, path) for doc, path in named if not (ROOT / path).is_file()]
