"""Typed reading of YAML nodes that remembers each value's line, for `path:line:` messages.

We compose YAML to nodes instead of loading it to dicts: the nodes keep their
marks (line numbers) and their raw text, so `phone: 0729837488` keeps its
leading zero and a date is parsed by one rule whether it was quoted or not.
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import yaml

from pipeline.source.moments import parse_moment
from pipeline.problems import Problems

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster, same nodes


TYPOGRAPHIC_QUOTES = "“”„‟«»‘’‚"


def compose(text: str, problems: Problems, first_line: int) -> yaml.Node | None:
    """Parse YAML text that starts on `first_line` of its file; report syntax errors there."""
    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and mark and (mark.line >= text.count("\n") or "flow" in str(exc.context)):
            mark = exc.context_mark  # "unexpected end", a '[' left open: point at what was left open instead
        index = mark.line if mark else 0
        lines = text.split("\n")
        problems.error(first_line + index, yaml_message(exc, lines[index] if index < len(lines) else ""))
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses anywhere: a NUL byte, a control character
        index = text.count("\n", 0, exc.position)
        problems.error(first_line + index, f"the character U+{exc.character:04X} (a control character) cannot be in the "
                                           "front matter; delete it (it is invisible in most editors: retype the line)")
        return None
    except yaml.YAMLError as exc:  # anything else YAML gives up on
        problems.error(first_line, f"the YAML cannot be read ({str(exc).splitlines()[0]}); check this part of the file")
        return None


def yaml_message(exc: yaml.MarkedYAMLError, line: str) -> str:
    """What a YAML syntax error means in a communicator's words, for the line it points at."""
    problem, context = str(exc.problem or ""), str(exc.context or "")
    key, _, value = line.partition(":")
    value = value.strip()
    typographic = [q for q in TYPOGRAPHIC_QUOTES if q in line]
    if "\t" in line and ("tab" in problem or "cannot start any token" in problem):
        return "a tab character is used for indentation here; YAML needs spaces: replace the tab with spaces (two for each level)"
    if "quoted scalar" in context and typographic:
        fix = f": {key.strip()}: {value}\"" if value and value[-1] in TYPOGRAPHIC_QUOTES else ""
        return (f"a value starts with a straight quote \" here, but {typographic[-1]} is a typographic quote, which YAML "
                f"does not read as its end; end the value with a straight quote \" too{fix}")
    if "quoted scalar" in context:
        return "a quote opened here is never closed; end the value with the same quote it starts with"
    if "flow sequence" in context or "flow mapping" in context:
        what, closer, example = ("a list opened with '['", "]", "topics: [Kultur, Skola]") if "sequence" in context \
            else ("a group of values opened with '{'", "}", "image: {src: bild.jpg, alt: …}")
        return f"{what} here is never closed; end it with '{closer}' on this line: {example}"
    if "mapping values are not allowed" in problem and value:
        quoted = "'" + value.replace("'", "''") + "'" if '"' in value else f'"{value}"'
        return (f"the value of '{key.strip()}' holds ': ', which YAML reads as the start of another key; "
                f"put the whole value in quotes: {key.strip()}: {quoted}")
    hint = "check indentation, colons and quotes on this line"
    if typographic:
        hint = (f"this line has typographic quotes ({''.join(typographic)}), which YAML does not read as quotes: "
                "quote a value with straight quotes \"…\" instead")
    return f"the YAML cannot be read: {problem}; {hint}"


def closest(key: str, known: list[str]) -> str | None:
    match = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return match[0] if match else None


class Fields:
    """One YAML mapping, read key by key; every problem is added to `problems`."""

    def __init__(self, node: yaml.Node, problems: Problems, first_line: int, where: str, known: list[str]):
        self.problems = problems
        self.first_line = first_line
        self.where = where  # e.g. "contacts[1]" in messages; "" at top level
        self.known = known
        self.line0 = first_line + node.start_mark.line
        self.nodes: dict[str, yaml.Node] = {}
        self.key_lines: dict[str, int] = {}
        self.ok = isinstance(node, yaml.MappingNode)
        if not self.ok:
            problems.error(self.line0, f"{where or 'the front matter'} must be a mapping of `key: value` lines")
            return
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = first_line + key_node.start_mark.line
            if key in self.nodes:
                problems.error(line, f"'{self._name(key)}' is given twice; keep one of them")
                continue
            self.nodes[key] = value_node
            self.key_lines[key] = line
            if key not in known:
                hint = closest(key, known)
                fix = f"did you mean '{hint}'?" if hint else f"known keys are: {', '.join(known)}"
                problems.warning(line, f"unknown key '{self._name(key)}' is ignored; {fix}")

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def line(self, key: str) -> int:
        return self.key_lines.get(key, self.line0)

    def has(self, key: str) -> bool:
        node = self.nodes.get(key)
        return node is not None and not _is_null(node)

    def _missing(self, key: str, required: bool, hint: str) -> None:
        if required and key in self.nodes:
            self.problems.error(self.line(key), f"'{self._name(key)}' is empty; give {hint}")
        elif required:
            typo = [k for k in self.nodes if k not in self.known and closest(k, [key])]
            also = f" ('{typo[0]}' looks like a misspelling of it)" if typo else ""
            self.problems.error(self.line0, f"required key '{self._name(key)}' is missing{also}; add {hint}")

    def text(self, key: str, required: bool = False, hint: str = "it") -> str | None:
        node = self.nodes.get(key)
        if node is None or _is_null(node):
            self._missing(key, required, hint)
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.problems.error(self.line(key), f"'{self._name(key)}' must be text, not a list or mapping; write it on one line after the colon")
            return None
        value = str(node.value).strip()
        if not value and required:
            self.problems.error(self.line(key), f"'{self._name(key)}' is empty; write {hint}")
            return None
        if _plain(node) and len(value) > 1 and value[0] in TYPOGRAPHIC_QUOTES and value[-1] in TYPOGRAPHIC_QUOTES:
            self.problems.warning(
                self.line(key),
                f"'{self._name(key)}' is wrapped in typographic quotes ({value[0]}…{value[-1]}), which are published as part of "
                f"the text; if they belong to it, wrap the value in straight quotes ('{value}'), otherwise remove them",
            )
        return value

    def flag(self, key: str, default: bool) -> bool:
        node = self.nodes.get(key)
        if node is None or _is_null(node):
            return default
        raw = str(node.value).strip().lower() if isinstance(node, yaml.ScalarNode) else ""
        if raw in ("true", "yes", "on"):
            return True
        if raw in ("false", "no", "off"):
            return False
        self.problems.error(self.line(key), f"'{self._name(key)}' must be true or false, not '{raw or node.tag}'")
        return default

    def number(self, key: str, default: int, low: int, high: int) -> int:
        node = self.nodes.get(key)
        if node is None or _is_null(node):
            return default
        raw = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
        if not raw.isdigit() or not low <= int(raw) <= high:
            self.problems.error(self.line(key), f"'{self._name(key)}' must be a whole number from {low} to {high}, not '{raw}'")
            return default
        return int(raw)

    def moment(self, key: str, tz: ZoneInfo, required: bool = False) -> datetime | None:
        text = self.text(key, required, hint="a date such as 2026-11-26 or 2026-11-26T09:00+01:00")
        if text is None:
            return None
        value = parse_moment(text, tz)
        if value is None:
            self.problems.error(
                self.line(key),
                f"'{self._name(key)}' has '{text}', which is not a valid date; use 2026-11-26 or 2026-11-26T09:00+01:00",
            )
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of short texts; a single text is taken as a list of one."""
        node = self.nodes.get(key)
        if node is None or _is_null(node):
            return ()
        if isinstance(node, yaml.ScalarNode):
            value = str(node.value).strip()
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if _plain(node) and len(parts) > 1:
                listed = ", ".join(parts)
                self.problems.warning(
                    self.line(key),
                    f"'{self._name(key)}' is one text holding commas, read as {len(parts)} entries; write it as a list, "
                    f"[{listed}] (put an entry that holds a comma in quotes)",
                )
                return tuple(dict.fromkeys(parts))
            return (value,) if value else ()
        if not isinstance(node, yaml.SequenceNode):
            self.problems.error(self.line(key), f"'{self._name(key)}' must be a list, e.g. [Stadsutveckling, Samverkan]")
            return ()
        out = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
                self.problems.error(self.first_line + item.start_mark.line, f"each entry of '{self._name(key)}' must be a short text")
                continue
            out.append(str(item.value).strip())
        return tuple(dict.fromkeys(out))

    def mapping(self, key: str, known: list[str], required: bool = False, hint: str = "it") -> Fields | None:
        node = self.nodes.get(key)
        if node is None or _is_null(node):
            self._missing(key, required, hint)
            return None
        sub = Fields(node, self.problems, self.first_line, self._name(key), known)
        return sub if sub.ok else None

    def mappings(self, key: str, known: list[str]) -> list[Fields]:
        node = self.nodes.get(key)
        if node is None or _is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problems.error(self.line(key), f"'{self._name(key)}' must be a list of entries, each starting with '- '")
            return []
        out = []
        for i, item in enumerate(node.value, 1):
            sub = Fields(item, self.problems, self.first_line, f"{self._name(key)}[{i}]", known)
            if sub.ok:
                out.append(sub)
        return out

    def raw(self, key: str) -> yaml.Node | None:
        return self.nodes.get(key)


def _plain(node: yaml.ScalarNode) -> bool:
    """Written without quotes (libyaml says '', the Python parser None)."""
    return not node.style


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~", "null", "Null", "NULL")


def check_lang(tag: str) -> str | None:
    """A well-formed BCP 47 tag whose language is a known ISO 639 code; returns the message if not."""
    import langcodes  # its data take a tenth of a second to load: only when a tag is checked

    if not langcodes.tag_is_valid(tag):
        return f"'{tag}' is not a known language tag; use a BCP 47 tag such as sv, en, nb, fi or en-GB"
    return None


# An address of the everyday kind (name.surname@kommun.se): certainly valid, so the library, whose
# import alone takes longer than a no-op export's reading of site.yaml, is asked only about the others.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}")
_RESERVED_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")
_URI_SIGNS = re.compile(r"[?&%#/]")  # what would turn 'mailto:ADDRESS' into a subject, a body or another address


def check_email(value: str) -> str | None:
    """An address a mail program reaches as written: no '?subject=', no second address, no display name.

    email-validator knows the grammar of addresses (quoted parts, international domains) that a
    pattern would get wrong; whether the domain exists is not asked (no network).
    """
    if match := _URI_SIGNS.search(value):
        return (f"'{value}' is not an e-mail address a link can carry: '{match[0]}' would add to the message or "
                "lead elsewhere; write it as name@example.org")
    local, _, domain = value.partition("@")
    # '--' in a domain may be an international name's 'xn--' form, which only the library can judge.
    if (len(value) <= 254 and len(local) <= 64 and _PLAIN_EMAIL.fullmatch(value) and "--" not in domain
            and domain.rsplit(".", 1)[-1].lower() not in _RESERVED_DOMAINS):
        return None
    import email_validator

    try:
        email_validator.validate_email(value, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        why = str(exc).rstrip('.')
        return f"'{value}' is not an e-mail address ({why[:1].lower() + why[1:]}); write it as name@example.org"
    return None
