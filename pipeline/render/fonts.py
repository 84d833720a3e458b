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
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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
    pdf_base: frozenset[str]  # the font files every PDF loads: its base fonts', and any of site.css or custom.css
    page_base: frozenset[str]  # the font files every page links: the base fonts', and any of site.css or custom.css
    families: dict[str, tuple[str, ...]]  # the font families of the base fonts (key "") and of each script, for the PDF

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
        loaded = self.pdf_base.union(*(files for script, files in self.files.items() if script in needed))
        return frozenset().union(*self.browsers.values(), *self.files.values()) - loaded

    def unpublished(self, scripts: set[str]) -> frozenset[str]:
        """The theme's files (under static/) no page of a press room written in these `scripts` links."""
        linked = self.page_base.union(*(files for script, files in self.browsers.items() if script in scripts))
        return self.print_only.union(*(files for script, files in self.browsers.items() if script not in scripts)) - linked

    def font_list(self, needed: tuple[str, ...]) -> str:
        """The PDF's font list: the base fonts, then those of the `needed` scripts. Named fonts a PDF has not
        loaded cost each text run a search, so a Latin page's PDF lists none of them."""
        names = dict.fromkeys([*self.families.get("", ()), *(f for s in needed for f in self.families.get(s, ()))])
        quoted = ", ".join('"' + n.replace("\\", "").replace('"', "") + '"' for n in names)
        return f"html {{ font-family: {quoted}, sans-serif; }}\n"

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
        # What characters a face has matters for the PDF; of the browsers' stylesheets only their files do.
        faces = {name: _faces(name, text, frozenset(static), name in PRINT_STYLESHEETS or name.endswith("-print.css"))
                 for name, text in texts.items()}
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
        pdf_base = frozenset(file for name in PRINT_STYLESHEETS for file, _ in faces.get(name, ()))
        page_base = frozenset(file for name in SCREEN_STYLESHEETS for file, _ in faces.get(name, ()))
        families = {"": _families(texts.get(PRINT_STYLESHEETS[0], ""))} | {
            script: _families(texts[script_stylesheet(script, True)]) for script in printed}
        _COVERAGE[:] = [theme, FontCoverage(frozenset(base or ()), scripts, files, browsers, print_only, every,
                                            pdf_base, page_base, families)]
    return _COVERAGE[1]


def stylesheet_texts(theme: Theme) -> dict[str, str]:
    """The theme's stylesheets of fonts (paths under static/) and what they say."""
    static = theme.static
    names = (*SCREEN_STYLESHEETS, *PRINT_STYLESHEETS,
             *(script_stylesheet(script, printed) for script in scripts_of(static) for printed in (True, False)))
    return {name: static[name].read_text("utf-8") for name in names if name in static}


_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.I)
_SRC = re.compile(r"(?:^|;)\s*src\s*:([^;]*)", re.I)
_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""", re.I)
_RANGE = re.compile(r"(?:^|;)\s*unicode-range\s*:([^;]*)", re.I)


@lru_cache(maxsize=64)
def _faces(name: str, text: str, files: frozenset[str], ranges: bool = True) -> tuple[tuple[str, frozenset[int] | None], ...]:
    """Each @font-face of a stylesheet: its first font file among the theme's `files`, and with `ranges` its
    unicode-range (None: every character the file has). Read with patterns, not a CSS parser: a stylesheet of
    a script's slices is long (Chinese: 180 kB), and its @font-face rules are all this needs."""
    faces = []
    for rule in _FONT_FACE.findall(_COMMENT.sub("", text)):
        src = _SRC.search(rule)
        urls = [next((u for u in found if u), "") for found in _URL.findall(src[1])] if src else []
        file = next((f for f in (_resolve(name, u) for u in urls if u) if f in files), None)
        found = _RANGE.search(rule)
        if file:
            faces.append((file, _code_points(found[1]) if found and ranges else None))
    return tuple(faces)


_FAMILY = re.compile(r"""(?:^|;)\s*font-family\s*:\s*(?:"([^"]*)"|'([^']*)'|([^;]*))""", re.I)


def _families(text: str) -> tuple[str, ...]:
    """The font families a stylesheet's @font-face rules name, in order."""
    found = (_FAMILY.search(rule) for rule in _FONT_FACE.findall(_COMMENT.sub("", text)))
    return tuple(dict.fromkeys(next(n for n in match.groups() if n is not None).strip() for match in found if match))


def _code_points(ranges: str) -> frozenset[int]:
    """'U+600-6FF, U+20AC, U+4??' -> the code points they name."""
    points: set[int] = set()
    for part in ranges.split(","):
        part = part.strip().upper().removeprefix("U+")
        try:
            if "?" in part:
                points.update(range(int(part.replace("?", "0"), 16), int(part.replace("?", "F"), 16) + 1))
            elif "-" in part:
                first, last = part.split("-", 1)
                points.update(range(int(first, 16), int(last, 16) + 1))
            elif part:
                points.add(int(part, 16))
        except ValueError:  # not a range: what a browser would skip, this skips
            continue
    return frozenset(points)


def _resolve(stylesheet: str, url: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(stylesheet), url.split("#")[0].split("?")[0]))


_CMAPS: dict[tuple, frozenset[int]] = {}


def _cmap(path: Path) -> frozenset[int]:
    key = signature(path)
    if key not in _CMAPS:
        from fontTools.ttLib import TTFont  # only for a font without a unicode-range, once per process

        with TTFont(io.BytesIO(path.read_bytes()), lazy=True) as font:
            _CMAPS[key] = frozenset(font.getBestCmap() or ())
    return _CMAPS[key]


def signature(path: Path) -> tuple:
    """What tells a file changed without reading it: its path, size and time of change."""
    try:
        info = path.stat()
    except OSError:
        return (str(path),)
    return (str(path), info.st_size, info.st_mtime_ns)
