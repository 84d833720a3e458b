"""Themes: templates and static files, a press room's own theme layered over the built-in default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # pipeline/, which holds the themes
# Installed, the built-in themes travel inside the package; in a checkout they sit at its top.
BUILTIN = (_PACKAGE / "themes" if (_PACKAGE / "themes").is_dir() else _PACKAGE.parent / "themes") / "default"


# The theme's stylesheets, in the order they apply (under static/): a press room's own theme overrides
# custom.css. Pages on screen link the first list; the PDF renderer gives WeasyPrint the second.
SCREEN_STYLESHEETS = ("css/fonts.css", "css/site.css", "css/custom.css")
PRINT_STYLESHEETS = ("css/fonts-print.css", "css/site.css", "css/custom.css")
# Fonts of other scripts, in the order they stand in for the base fonts. Each has a stylesheet for browsers
# (css/scripts/<script>.css: small slices, each with its unicode-range, so a page downloads only what it shows)
# and one for the PDF (css/scripts/<script>-print.css: one font per face). A page links, and its PDF loads,
# only those its characters need (render/fonts.py). A press room's theme may replace any of them.
SCRIPTS = ("latin-extra", "greek", "cyrillic", "symbols", "arabic", "hebrew", "ethiopic", "chinese", "emoji")


def scripts_of(static: dict[str, Path]) -> tuple[str, ...]:
    """The scripts a theme has fonts for: the built-in ones, then any other a theme adds (its
    css/scripts/NAME-print.css and css/scripts/NAME.css), by name."""
    added = sorted(name[len("css/scripts/"):-len("-print.css")] for name in static
                   if name.startswith("css/scripts/") and name.endswith("-print.css") and name.count("/") == 2)
    return (*SCRIPTS, *(script for script in added if script not in SCRIPTS))


def script_stylesheet(script: str, printed: bool = False) -> str:
    """'css/scripts/arabic.css', or for the PDF 'css/scripts/arabic-print.css'."""
    return f"css/scripts/{script}{'-print' if printed else ''}.css"


@dataclass(frozen=True)
class Theme:
    """A theme as found by one build: each export finds it again, so what is read of it is kept with it."""

    layers: tuple[Path, ...]  # most specific first; the built-in default last

    @cached_property
    def static(self) -> dict[str, Path]:
        """Published path (under dist/theme/) -> file; a press room's file wins over the default's."""
        files: dict[str, Path] = {}
        for layer in reversed(self.layers):
            root = str(layer / "static")
            for folder, subfolders, names in os.walk(root):  # scandir's entry types: no stat of every font file
                subfolders.sort()
                prefix = folder[len(root) + 1:].replace(os.sep, "/")
                for name in sorted(names):
                    path = os.path.join(folder, name)
                    if os.path.isfile(path):  # not a broken link (an editor's lock file), a pipe or a socket
                        files[f"{prefix}/{name}" if prefix else name] = Path(path)
        return files

    def environment(self):
        """A jinja2 Environment over the layers' templates (imported here: a no-op export never renders one)."""
        import jinja2

        loaders = [jinja2.FileSystemLoader(str(layer / "templates")) for layer in self.layers]
        return jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )


def find_theme(sources: Path, name: str) -> Theme | None:
    """`themes/NAME` beside the sources folder, over the built-in default; None if NAME is nowhere."""
    layers = []
    local = sources.resolve().parent / "themes" / name  # absolute: processes cache themes by their paths
    if local.is_dir() and local.resolve() != (BUILTIN.parent / name).resolve():
        layers.append(local)
    builtin = BUILTIN.parent / name
    if builtin.is_dir() and builtin != BUILTIN:
        layers.append(builtin)
    if not layers and name != "default":
        return None
    layers.append(BUILTIN)
    return Theme(tuple(layers))
