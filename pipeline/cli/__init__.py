"""The `press` command (also `python -m pipeline`): one module per command, each a thin layer over the library.

A new command is a module here with a click command, added to the group below.
"""

from __future__ import annotations

import click

from pipeline import __version__
from pipeline.cli.check import check
from pipeline.cli.export import export
from pipeline.cli.importing import import_
from pipeline.cli.mail import mail
from pipeline.cli.new import new
from pipeline.cli.schedule import schedule
from pipeline.cli.serve import serve
from pipeline.cli.verify import verify


class _DailyOrder(click.Group):
    """Commands listed in the order of a day's work (new, import, check, serve, export, schedule, mail, verify), not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(cls=_DailyOrder, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="press")
def main() -> None:
    """Publish press releases: one Markdown source each, every format out."""


main.add_command(new)
main.add_command(import_)
main.add_command(check)
main.add_command(serve)
main.add_command(export)
main.add_command(schedule)
main.add_command(mail)
main.add_command(verify)
