"""Which of the theme's fonts a page needs, and the characters that none of them has.

The theme's base fonts (`css/fonts.css`, `css/fonts-print.css`) are always loaded. Every other script
has stylesheets of its own (render/theme.py: scripts_of, in the order they stand in for the base fonts)
whose @font-face rules say by `unicode-range` which characters each face has. A page links, and its
PDF loads, only the scripts its characters need: a Swedish page loads no Chinese font, and every
page's PDF is made from the theme's fonts alone, never from the machine's.
"""

from __future__ import annotations

import io
import posixpath
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import tinycss2

from pipeline.problems import Problem, file_lines, line_holding
from pipeline.render.theme import PRINT_STYLESHEETS, SCREEN_STYLESHEETS, Theme, script_stylesheet, scripts_of


@dataclass(frozen=True, slots=True)
class FontCoverage:
    """The characters the theme's fonts can show: the base fonts', and each script stylesheet's."""

    base: frozenset[int]  # characters every face of the base fonts (css/fonts-print.css) has
    scripts: tuple[tuple[str, frozenset[int]], ...]  # (script, characters its PDF faces have), in SCRIPTS' order
    files: dict[str, frozenset[str]]  # script -> the font files (under static/) its PDF stylesheet loads
    browsers: dict[str, frozenset[str]]  # script -> its stylesheet for browsers and the font files it loads
    print_only: frozenset[str]  # the stylesheets and fonts only a PDF uses, which no page links
    every: frozenset[int]  # the characters some font of the theme has (a press room's own in custom.css too)
    always: frozenset[str]  # the font files every page or PDF loads: the base fonts', and any of site.css or custom.css

    def needed(self, text: str) -> tuple[str, ...]:
        """The scripts `text` needs: for each character the base fonts lack, the first script that has it."""
        wanted = {ord(ch) for ch in set(unicodedata.normalize("NFC", text)) if not _invisible(ch)} - self.base
        found = []
        for script, points in self.scripts:
            if wanted & points:
                found.append(script)
                wanted -= points
        return tuple(found)

    def unneeded(self, needed: tuple[str, ...]) -> frozenset[str]:
        """The scripts' font files a PDF of these `needed` scripts does not load: a PDF worker is not even told of them."""
        loaded = self.always.union(*(files for script, files in self.files.items() if script in needed))
        return frozenset().union(*self.browsers.values(), *self.files.values()) - loaded

    def unpublished(self, scripts: set[str]) -> frozenset[str]:
        """The theme's files (under static/) no page of a press room written in these `scripts` links."""
        linked = self.always.union(*(files for script, files in self.browsers.items() if script in scripts))
        return self.print_only.union(*(files for script, files in self.browsers.items() if script not in scripts)) - linked

    def missing(self, text: str) -> list[str]:
        """The characters of `text` no font of the theme has, in the order they first appear (invisible ones aside)."""
        # As typed on some systems, 'å' is 'a' and a ring above; the layout draws it as one letter, which fonts have.
        text = unicodedata.normalize("NFC", text)
        return [ch for ch in dict.fromkeys(text) if ord(ch) not in self.every and not _invisible(ch)]


def _invisible(ch: str) -> bool:
    """Controls and format characters (joiners, direction marks, a soft hyphen) and variation selectors, which
    a text layout draws no glyph for, and spaces, which it makes of the font's own when the font has none
    (a narrow no-break space in a date, say): no font need have them."""
    point = ord(ch)
    return (unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp") or 0xFE00 <= point <= 0xFE0F
            or 0xE0100 <= point <= 0xE01EF)


def with_scripts(stylesheets: tuple[str, ...], needed: tuple[str, ...], printed: bool = False) -> tuple[str, ...]:
    """The scripts' stylesheets (for browsers, or for the PDF) right after the base fonts' (the first), before the
    theme's own rules."""
    return (*stylesheets[:1], *(script_stylesheet(s, printed) for s in needed), *stylesheets[1:])


def describe(ch: str) -> str:
    """'🦩' -> "'🦩' (U+1F9A9 FLAMINGO)"."""
    name = unicodedata.name(ch, "")
    return f"'{ch}' (U+{ord(ch):04X}{' ' + name if name else ''})"


MOST_SAID = 10  # characters named one by one; a text in a script the theme lacks says the rest in one line


def missing_problems(missing: list[str], source: Path, site_file: Path) -> list[Problem]:
    """One error per character no font has, on the first line that holds it (the release's, else site.yaml's)."""
    found = []
    release_lines, site_lines = file_lines(source), None
    for ch in missing[:MOST_SAID]:
        path, line = source, line_holding(release_lines, ch)
        if line is None:
            site_lines = file_lines(site_file) if site_lines is None else site_lines
            in_site = line_holding(site_lines, ch)
            path, line = (site_file, in_site) if in_site else (source, 1)
        found.append(Problem(path, line, "error",
                             f"the character {describe(ch)} is in none of the theme's fonts, so the PDF cannot show it; "
                             "write it another way (an emoji or a sign in words, a letter as the language usually "
                             "spells it), or add a font that has it to the theme"))
    if len(missing) > MOST_SAID:
        rest = missing[MOST_SAID:]
        found.append(Problem(source, line_holding(release_lines, rest[0]) or 1, "error",
                             f"{len(rest)} more characters are in none of the theme's fonts ({''.join(rest[:20])}"
                             f"{'…' if len(rest) > 20 else ''}); the theme has no font for this script: add one to it"))
    return found


_COVERAGE: list = [None, None]  # the theme last asked about, and what its fonts cover


def coverage(theme: Theme) -> FontCoverage:
    """What the theme's fonts cover, in the PDF; read once per Theme (each build finds its theme again) and process."""
    if _COVERAGE[0] is not theme:
        static = theme.static
        texts = stylesheet_texts(theme)
        faces = {name: _faces(name, text, frozenset(static)) for name, text in texts.items()}
        base = None
        for file, points in faces.get(PRINT_STYLESHEETS[0], ()):
            has = points if points is not None else _cmap(static[file])
            base = has if base is None else base & has
        own = [(file, points) for name in PRINT_STYLESHEETS[1:] for file, points in faces.get(name, ())]  # a brand font
        printed = {script: faces[script_stylesheet(script, True)] for script in scripts_of(static)
                   if script_stylesheet(script, True) in faces}
        scripts = tuple(
            (script, frozenset().union(*(points if points is not None else _cmap(static[file]) for file, points in found)))
            for script, found in printed.items()
        )
        files = {script: frozenset(file for file, _ in found) for script, found in printed.items()}
        browsers = {script: frozenset((script_stylesheet(script), *(file for file, _ in faces[script_stylesheet(script)])))
                    for script in scripts_of(static) if script_stylesheet(script) in faces}
        printing = {name for name in faces if name == PRINT_STYLESHEETS[0] or name.endswith("-print.css")}
        shown = {file for name in faces if name not in printing for file, _ in faces[name]}
        print_only = frozenset(printing | {file for name in printing for file, _ in faces[name]}) - shown
        every = frozenset(base or ()).union(*(points for _, points in scripts),
                                            *(points if points is not None else _cmap(static[f]) for f, points in own))
        always = frozenset(file for name in (SCREEN_STYLESHEETS[0], *PRINT_STYLESHEETS, *SCREEN_STYLESHEETS[1:])
                           for file, _ in faces.get(name, ()))
        _COVERAGE[:] = [theme, FontCoverage(frozenset(base or ()), scripts, files, browsers, print_only, every, always)]
    return _COVERAGE[1]


def stylesheet_texts(theme: Theme) -> dict[str, str]:
    """The theme's stylesheets of fonts (paths under static/) and what they say."""
    static = theme.static
    names = (*SCREEN_STYLESHEETS, *PRINT_STYLESHEETS,
             *(script_stylesheet(script, printed) for script in scripts_of(static) for printed in (True, False)))
    return {name: static[name].read_text("utf-8") for name in names if name in static}


@lru_cache(maxsize=64)
def _faces(name: str, text: str, files: frozenset[str]) -> tuple[tuple[str, frozenset[int] | None], ...]:
    """Each @font-face of a stylesheet: its first font file among the theme's `files`, and its unicode-range
    (None: every character the file has)."""
    faces = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face" or rule.content is None:
            continue
        file, points = None, None
        for decl in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True):
            if decl.type != "declaration":
                continue
            if decl.lower_name == "src":
                file = file or next((f for f in (_resolve(name, u) for u in _urls(decl.value)) if f in files), None)
            elif decl.lower_name == "unicode-range":
                points = frozenset(p for t in decl.value if t.type == "unicode-range" for p in range(t.start, t.end + 1))
        if file:
            faces.append((file, points))
    return tuple(faces)


def _urls(tokens) -> list[str]:
    out = []
    for token in tokens:
        if token.type == "url":
            out.append(token.value)
        elif token.type == "function" and token.lower_name == "url":
            out += [t.value for t in token.arguments if t.type == "string"]
    return out


def _resolve(stylesheet: str, url: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(stylesheet), url.split("#")[0].split("?")[0]))


_CMAPS: dict[tuple, frozenset[int]] = {}


def _cmap(path: Path) -> frozenset[int]:
    key = _signature(path)
    if key not in _CMAPS:
        from fontTools.ttLib import TTFont  # only for a font without a unicode-range, once per process

        with TTFont(io.BytesIO(path.read_bytes()), lazy=True) as font:
            _CMAPS[key] = frozenset(font.getBestCmap() or ())
    return _CMAPS[key]


def _signature(path: Path) -> tuple:
    try:
        info = path.stat()
    except OSError:
        return (str(path),)
    return (str(path), info.st_size, info.st_mtime_ns)
