"""`press verify`: check a published folder without its sources, for the archivist and the operator."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pipeline.cli.options import shown


@click.command(short_help="Check a published folder against its manifest.json.")
@click.argument("folder", default="dist", type=click.Path(file_okay=False, path_type=Path))
@click.option("-j", "--jobs", type=click.IntRange(1), default=os.cpu_count() or 1, show_default="the number of cores",
              help="Check files in this many processes.")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings and the summary only.")
def verify(folder: Path, jobs: int, quiet: bool) -> None:
    """Check FOLDER (default: dist), as published, against its manifest.json.

    Every file the manifest lists must be there with its sha256, and nothing
    else may be published. Every PDF must pass the archival checks (PDF/A-3u,
    PDF/UA-1) and carry its source; every NewsML-G2 item and ninjs document, and
    the sitemaps, must validate against their schemas; the news sitemap must
    list releases only, each with what Google News asks for; every feed must be
    readable. One line per finding; the exit status is 1 when there is any.
    """
    from pipeline.verify.published import verify as findings_in

    if not folder.is_dir():
        raise click.UsageError(f"folder '{folder}' does not exist; give the folder press export wrote (default: dist)")
    total = 0

    shown_at = 0

    def progress(done: int, of: int) -> None:
        nonlocal total, shown_at
        if total == 0 and of >= 200 and not quiet:  # a check that takes a while says so, and how far it is
            click.echo(f"Checking {of} files in {shown(folder)}", err=True)
        elif of >= 200 and not quiet and done < of and done - shown_at >= of // 10:
            click.echo(f"  {done} of {of} checked", err=True)
            shown_at = done
        total = of

    count = 0
    try:
        for finding in findings_in(folder, jobs, progress):
            count += 1
            click.echo(f"{shown(folder / finding.path)}: {finding.message}")
    except KeyboardInterrupt:
        click.echo("\nstopped: not everything was checked", err=True)
        sys.stdout.flush()
        os._exit(130)  # at once: the workers are gone, and nothing waits on them (a second Ctrl-C cannot hang it)
    checked = f"{total} file{'s' if total != 1 else ''} checked"
    if count:
        click.echo(f"{shown(folder)}: {checked}: {count} finding{'s' if count != 1 else ''}", err=True)
        sys.exit(1)
    click.echo(f"{shown(folder)}: {checked}: each is as manifest.json lists it, and sound", err=True)
