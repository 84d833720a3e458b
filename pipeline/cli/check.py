"""`press check`: what an export would say of the releases, and the editorial checks, without publishing."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from pipeline.cli.options import Moment, shown


@click.command(short_help="Review releases as an export and an editor would; publish nothing.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--now", type=Moment(), help="Judge embargoes and dates as if it were this time (ISO 8601). Default: now.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=os.cpu_count() or 1, show_default="the number of cores",
              help="Read releases in this many processes when many changed.")
@click.option("--strict", is_flag=True, help="Fail (exit status 1) on warnings too, not only on errors.")
@click.option("--format", "form", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one 'path:line: severity: message' line each; json: a list of findings, for editors and CI.")
def check(paths: tuple[Path, ...], now: datetime | None, jobs: int, strict: bool, form: str) -> None:
    """Check releases without publishing anything: PATHS are release files, or
    the sources folder (default: sources); its site.yaml checks every release.

    Says every problem an export would report, and the editorial checks: plain
    language (readability, long sentences, officialese), titles and leads, text
    in capitals, alt and link texts, tables without headers, missing contacts,
    topics and image credits, small key images, embargoes. Which checks run,
    and their thresholds, is set under 'check:' in site.yaml.
    """
    from pipeline.build.check import check as run_check

    sources, files = _sources_of(list(paths) or [Path("sources")])
    result = run_check(sources, now or datetime.now(timezone.utc), files, jobs=jobs)
    counts = {severity: sum(p.severity == severity for p in result.problems) for severity in ("error", "warning", "note")}
    if form == "json":
        click.echo(json.dumps([{"path": shown(p.path), "line": p.line, "severity": p.severity, "message": p.message}
                               for p in result.problems], ensure_ascii=False, indent=1))
    else:
        for problem in result.problems:
            click.echo(problem.format(shown(problem.path)))
    what = "nothing was checked" if result.stopped else f"{result.releases} release{'s' if result.releases != 1 else ''} checked"
    click.echo(f"{what}: " + ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items()), err=True)
    if counts["error"] or (strict and counts["warning"]) or result.stopped:
        sys.exit(1)


def _sources_of(paths: list[Path]) -> tuple[Path, list[Path] | None]:
    """The sources folder the paths lie in (the nearest folder above them holding site.yaml), and the release
    files asked about (None: all of them)."""
    first = paths[0].resolve()
    for folder in [first, *first.parents]:
        if (folder / "site.yaml").is_file():
            break
    else:
        raise click.UsageError(f"'{paths[0]}' is not in a sources folder (no site.yaml above it); give release files "
                               "or the sources folder")
    sources = Path(paths[0]) if first == folder else Path(paths[0]).parents[len(first.relative_to(folder).parts) - 1]
    files: list[Path] = []
    for path in paths:
        resolved = path.resolve()
        if not resolved.is_relative_to(folder):
            raise click.UsageError(f"'{path}' is not in the sources folder {shown(sources)}; check one press room at a time")
        if resolved in (folder, folder / "site.yaml"):  # the settings hold for every release: all are checked
            return sources, None
        if resolved.is_file() and resolved.suffix != ".md":
            raise click.UsageError(f"'{path}' is not a release (a .md file); give release files, or the sources folder")
        files += sorted(resolved.rglob("*.md")) if resolved.is_dir() else [resolved]
    return sources, files
