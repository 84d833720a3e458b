"""`press new`: write a new release from the template, ready to fill in."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import click

from pipeline.cli.options import Moment, cannot_write, language_tag, press_room, shown


@click.command(short_help="Start a release from the template, ready to fill in.")
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

    It has an id and an address of its own, the press room's defaults, the
    optional fields commented out with what each is for, and placeholder text in the lead, the
    body and the contact. An export refuses the release while any placeholder
    is left in it (a draft is only warned about). An existing file is never
    overwritten. A title that starts with '-' goes after '--':
    press new -- "-5 grader i natt".
    """
    from pipeline.source.load import slugify
    from pipeline.source.template import ids_in_use, release_text, short_slug, slugs_in_use, unique_id, write_new

    title = " ".join(title.split())  # tabs and line breaks have no place in a headline
    if not title:
        raise click.UsageError("give the headline as TITLE, on one line, e.g. press new \"Ny lekplats i Strandparken\"")
    if not sources.is_dir():
        raise click.UsageError(f"sources folder '{sources}' does not exist; run press new where it is, or give --sources")
    lang = language_tag(lang)
    if folder is not None and (PurePosixPath(folder).is_absolute() or ".." in PurePosixPath(folder).parts):
        raise click.BadParameter(f"'{folder}' must be a folder inside the sources folder, such as 2026 or 2026/kultur",
                                 param_hint="--folder")
    if folder is not None and any(part.startswith(".") for part in PurePosixPath(folder).parts):
        raise click.BadParameter(f"'{folder}' is a hidden folder, which an export never reads; use a folder whose name "
                                 "does not start with '.'", param_hint="--folder")
    if any(not " ".join(topic.split()) for topic in topics):
        raise click.BadParameter("a topic is empty; give its name, e.g. --topic Kultur", param_hint="--topic")
    topics = tuple(" ".join(topic.split()) for topic in topics)
    site = press_room(sources, "no release was written")
    zone = ZoneInfo(site.timezone)
    date = (date or datetime.now(zone).replace(second=0, microsecond=0))
    date = date if date.tzinfo else date.replace(tzinfo=zone)
    if embargo is not None and embargo.tzinfo is None:
        embargo = embargo.replace(tzinfo=zone)
    if embargo is not None and embargo < date:
        raise click.BadParameter("the embargo ends before the release's date; give a later --embargo, or leave it out",
                                 param_hint="--embargo")
    # The address is <year>/<slug>: a slug another release has gets a number, as the id does.
    slug = unique_id(short_slug(slugify(title)) or "release", slugs_in_use(sources))
    stem = f"{date.astimezone(zone):%Y-%m-%d}-{slug}"
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
        click.echo(cannot_write(path, exc), err=True)
        sys.exit(1)
    click.echo(shown(path))
    click.echo("Replace the template's text in the lead, the body and the contact; an export refuses the release "
               "until you do.", err=True)
    if edit:
        if not (os.environ.get("VISUAL") or os.environ.get("EDITOR")) and not sys.stdin.isatty():
            click.echo(f"--edit: no editor is set ($VISUAL or $EDITOR); open {shown(path)} yourself", err=True)
            sys.exit(1)
        try:
            click.edit(filename=str(path))
        except click.ClickException as exc:
            click.echo(f"--edit: the release is written, but the editor could not be started ({exc.message}); open "
                       f"{shown(path)} yourself, or set $EDITOR", err=True)
            sys.exit(1)
