"""What the commands share: option types, and how a path is shown on the command line."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import click

from pipeline.source.moments import parse_moment


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path, Path.cwd()) if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except (ValueError, OSError, RuntimeError):  # a link that leads to itself is shown as it is named
        return str(path)


class Moment(click.ParamType):
    name = "TIME"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        moment = parse_moment(value, None)  # without an offset: the press room's time zone
        if moment is None and re.match(r"^\d{4}-\d{2}-\d{2}", value.strip()):
            self.fail(f"'{value}' is not a valid date or time (is there such a day?); use e.g. 2026-11-26T10:00+01:00",
                      param, ctx)
        if moment is None:
            self.fail(f"'{value}' is not an ISO 8601 time; use e.g. 2026-11-26T10:00+01:00", param, ctx)
        return moment


def language_tag(lang: str | None) -> str | None:
    """A --lang option as the tag is written ('SV-se' -> 'sv-SE'); a usage error for a tag of no known language."""
    if not lang:
        return None
    import langcodes

    from pipeline.source.fields import check_lang

    if message := check_lang(lang):
        raise click.BadParameter(message, param_hint="--lang")
    return langcodes.standardize_tag(lang)


def cannot_write(path: Path, exc: OSError) -> str:
    """The line that says a new release could not be written, and why, in the machine's terms."""
    from pipeline.build.output import MACHINE_FAULTS

    why = MACHINE_FAULTS.get(exc.errno, f"check that the folder is yours to write in ({exc.strerror})")
    return f"{shown(path)}: error: the release cannot be written: {why.replace('export again', 'try again')}; nothing was written"


def press_room(sources: Path, nothing_done: str):
    """The press room's settings from SOURCES/site.yaml, its problems said; exit 1 when it cannot be read."""
    import sys

    from pipeline.source.load import load_site

    site, problems = load_site(sources / "site.yaml")
    for problem in problems.items:
        click.echo(problem.format(shown(problem.path)), err=True)
    if site is None:
        click.echo(f"{nothing_done}: correct site.yaml first", err=True)
        sys.exit(1)
    return site
