"""`press new`: write a new release from the template, ready to fill in."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import click

from pipeline.cli.options import Moment, shown


@click.command()
@click.argument("title")
@click.option("--sources", default="sources", type=click.Path(file_okay=False, path_type=Path), metavar="DIRECTORY",
              help="The sources folder (default: sources).")
@click.option("--folder", metavar="PATH", help="Where under the sources folder to write it (default: the year of its date).")
@click.option("--lang", metavar="TAG", help="Its language, when not the press room's: a tag such as en, sv, nb, fi or en-GB.")
@click.option("--date", type=Moment(), help="Its publication time (ISO 8601; without an offset, the press room's "
              "time zone). Default: now.")
@click.option("--topic", "topics", multiple=True, metavar="TOPIC", help="A topic; give the option once per topic.")
@click.option("--embargo", type=Moment(), help="Not public before this time (ISO 8601, as --date).")
@click.option("--draft", is_flag=True, help="Make it a draft, which is never published while it is one.")
@click.option("--edit", is_flag=True, help="Open the new file in your editor ($VISUAL or $EDITOR).")
def new(title: str, sources: Path, folder: str | None, lang: str | None, date: datetime | None, topics: tuple[str, ...],
        embargo: datetime | None, draft: bool, edit: bool) -> None:
    """Write a new release titled TITLE: SOURCES/<year>/<date>-<title>.md.

    It has an id of its own, the press room's defaults, every optional field
    commented out with what it is for, and placeholder text in the lead, the
    body and the contact. An export refuses the release while any placeholder
    is left in it. An existing file is never overwritten.
    """
    from pipeline.source.fields import check_lang
    from pipeline.source.load import load_site, slugify
    from pipeline.source.template import ids_in_use, release_text, unique_id, write_new

    title = title.strip()
    if not title or "\n" in title:
        raise click.UsageError("give the headline as TITLE, on one line, e.g. press new \"Ny lekplats i Strandparken\"")
    if not sources.is_dir():
        raise click.UsageError(f"sources folder '{sources}' does not exist; run press new where it is, or give --sources")
    if lang and (message := check_lang(lang)):
        raise click.BadParameter(message, param_hint="--lang")
    if folder is not None and (PurePosixPath(folder).is_absolute() or ".." in PurePosixPath(folder).parts):
        raise click.BadParameter(f"'{folder}' must be a folder inside the sources folder, such as 2026 or 2026/kultur",
                                 param_hint="--folder")
    site, problems = load_site(sources / "site.yaml")
    for problem in problems.items:
        click.echo(problem.format(shown(problem.path)), err=True)
    if site is None:
        click.echo("no release was written: correct site.yaml first", err=True)
        sys.exit(1)
    zone = ZoneInfo(site.timezone)
    date = (date or datetime.now(zone).replace(second=0, microsecond=0))
    date = date if date.tzinfo else date.replace(tzinfo=zone)
    if embargo is not None and embargo.tzinfo is None:
        embargo = embargo.replace(tzinfo=zone)
    if embargo is not None and embargo < date:
        raise click.BadParameter("the embargo ends before the release's date; give a later --embargo, or leave it out",
                                 param_hint="--embargo")
    stem = f"{date.astimezone(zone):%Y-%m-%d}-{_short(slugify(title)) or 'release'}"
    path = sources / (folder or f"{date.astimezone(zone):%Y}") / f"{stem}.md"
    text = release_text(title, date, unique_id(stem, ids_in_use(sources)), lang or site.lang, site.lang, lang is not None,
                        topics, embargo, draft)
    try:
        write_new(path, text)
    except FileExistsError:
        click.echo(f"{shown(path)}: error: there is a release here already, and it is never overwritten; edit it, "
                   "or give another title or --date", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"{shown(path)}: error: the release cannot be written ({exc.strerror}); check that the folder "
                   "is yours to write in", err=True)
        sys.exit(1)
    click.echo(shown(path))
    click.echo("Replace the template's text in the lead, the body and the contact; an export refuses the release "
               "until you do.", err=True)
    if edit:
        click.edit(filename=str(path))


def _short(slug: str, most: int = 60) -> str:
    """A slug of at most `most` characters, cut between words."""
    if len(slug) <= most:
        return slug
    return slug[: most + 1].rsplit("-", 1)[0] or slug[:most]
