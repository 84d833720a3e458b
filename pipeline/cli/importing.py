"""`press import`: a release from a Word or OpenDocument file, each guess said on the line it concerns."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

import click

from pipeline.cli.options import Moment, cannot_write, language_tag, press_room, shown


@click.command("import", short_help="Make a release source of a Word (.docx) or LibreOffice (.odt) document.")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sources", default="sources", type=click.Path(file_okay=False, path_type=Path), metavar="DIRECTORY",
              help="The sources folder (default: sources).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar="DIRECTORY",
              help="The folder to write the release in, inside the sources folder (default: SOURCES/<year of its date>).")
@click.option("--lang", metavar="TAG", help="The language it is written in, as a language code: sv, en, nb, fi, ar… "
              "Default: what the text reads as, else the press room's.")
@click.option("--date", type=Moment(), help="Its publication time, e.g. 2026-12-03T09:00 (the press room's time zone) "
              "or 2026-12-03T09:00+01:00. Default: the document's dateline.")
@click.option("--dry-run", is_flag=True, help="Print the release it would write, and write nothing.")
def import_(document: Path, sources: Path, out: Path | None, lang: str | None, date: datetime | None,
            dry_run: bool) -> None:
    """Make a release source of DOCUMENT, a press release written in Word or
    LibreOffice: SOURCES/<year>/<date>-<title>.md, with its images beside it.
    Nothing is published until press export.

    Recognised: the title (Title style, first heading or first line), the lead
    (Subtitle style, or a first paragraph in bold or italics), a dateline such
    as 'Halmstad, 26 november 2026' (place and date), an embargo line, quotes,
    a fact box ('Fakta', 'Om …'), the contact persons ('Kontakt', 'För mer
    information'), 'Ämnen:' and 'Regioner:', the images with their alt text;
    the press room's boilerplate is left out. Tracked changes are accepted,
    comments left out. Each guess is a note on the line it concerns.

    Then the release is checked as press check would: what is left to fix
    (a missing date, an alt text) is an error on its line, and the exit status
    is 1 until nothing is. An existing file is never overwritten, nor a
    document imported twice.
    """
    from pipeline.importing import ImportedBefore, Unreadable, import_document, write_all

    if not sources.is_dir():
        raise click.UsageError(f"sources folder '{sources}' does not exist; run press import where it is, or give --sources")
    lang = language_tag(lang)
    if out is not None and not out.resolve().is_relative_to(sources.resolve()):
        raise click.BadParameter(f"'{out}' is not inside the sources folder {shown(sources)}; give a folder in it, "
                                 f"such as {shown(sources / '2026')}", param_hint="--out")
    if out is not None and any(p.startswith(".") for p in PurePosixPath(out.resolve().relative_to(sources.resolve())).parts):
        raise click.BadParameter(f"'{out}' is a hidden folder, which an export never reads; use a folder whose name "
                                 "does not start with '.'", param_hint="--out")
    site = press_room(sources, "nothing was imported")
    click.echo(f"reading {shown(document)}…", err=True)
    try:
        written = import_document(document, site, sources, out, lang, date)
    except Unreadable as exc:
        click.echo(f"{shown(document)}: error: {exc}; nothing was written", err=True)
        sys.exit(1)
    except ImportedBefore as exc:
        click.echo(f"{shown(Path(str(exc)))}: error: this release has the document's headline and its date or lead: the "
                   "document was imported before, and importing it again would publish it twice; edit that release, "
                   "or move it away to import again", err=True)
        sys.exit(1)
    except FileExistsError as exc:
        click.echo(f"{shown(Path(str(exc)))}: error: this file is there already, and an import never overwrites; it may "
                   "be this document imported before: edit that release, or move it away to import again", err=True)
        sys.exit(1)
    counts = {"error": 0, "warning": 0, "note": 0}
    for line, severity, message, checked in written.notes:
        if checked and not dry_run:
            continue  # the check after writing says it
        counts[severity] += 1
        click.echo(f"{shown(written.path)}:{line}: {severity}: {message}", err=True)
    if dry_run:
        click.echo(written.text, nl=False)
        for path, data in written.files.items():
            click.echo(f"would write {shown(path)} ({len(data):,} bytes)", err=True)
        click.echo(f"would write {shown(written.path)}; nothing was written (--dry-run): " + _counted(counts), err=True)
        sys.exit(1 if counts["error"] else 0)
    try:
        write_all(written)
    except FileExistsError as exc:
        click.echo(f"{shown(Path(exc.filename or str(exc)))}: error: this file is there already, and an import never "
                   "overwrites; nothing was written", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(cannot_write(written.path, exc), err=True)
        sys.exit(1)
    for path in [*written.files, written.path]:
        click.echo(shown(path))
    try:
        errors = counts["error"] + _check(sources, written.path, counts)
    except KeyboardInterrupt:
        click.echo(f"\n{shown(written.path)}: the release is written, but its check was stopped; run press check on it",
                   err=True)
        sys.exit(130)
    click.echo(f"imported {shown(written.path)}: " + _counted(counts), err=True)
    if errors:
        click.echo("Fix the errors above in the written file (press check tells what is left); an export refuses the "
                   "release until then.", err=True)
        sys.exit(1)
    click.echo("Read it through, and the notes above: each says what was guessed.", err=True)


def _check(sources: Path, path: Path, counts: dict[str, int]) -> int:
    """What press check says of the written release, said here too; the number of its errors."""
    from pipeline.body.pandoc import PandocFailed
    from pipeline.build.check import check

    click.echo(f"checking {shown(path)}…", err=True)
    try:
        result = check(sources, datetime.now(timezone.utc), [path])
    except PandocFailed as exc:
        click.echo(f"{shown(path)}: error: the release is written, but it could not be checked ({exc}); run press check "
                   "on it", err=True)
        return 1
    errors = 0
    for problem in result.problems:
        if problem.path.resolve() != path.resolve():
            continue
        counts[problem.severity] = counts.get(problem.severity, 0) + 1
        errors += problem.severity == "error"
        click.echo(problem.format(shown(problem.path)), err=True)
    return errors


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items())
