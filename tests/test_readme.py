"""The README's command reference is the command's own --help, so the two never drift."""

from __future__ import annotations

import os
import re

from click.testing import CliRunner
from conftest import ROOT

from pipeline.cli import main


def test_readme_command_reference_matches_help():
    readme = ROOT / "README.md"
    text = readme.read_text("utf-8")
    help_text = CliRunner().invoke(main, ["export", "--help"], prog_name="press", terminal_width=80).output
    block = f"<!-- help:export -->\n```text\n{help_text}```\n<!-- /help:export -->"
    current = re.search(r"<!-- help:export -->.*?<!-- /help:export -->", text, re.S)
    assert current, "README lacks the <!-- help:export --> block"
    if os.environ.get("UPDATE_GOLDEN"):
        readme.write_text(text.replace(current[0], block), "utf-8")
        return
    assert current[0] == block, "README command reference is out of date: run UPDATE_GOLDEN=1 make test"


def test_readme_starts_with_the_two_setup_commands():
    head = (ROOT / "README.md").read_text("utf-8").split("\n\n")[1]
    assert "make export" in head and "make test" in head
