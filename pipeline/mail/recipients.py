"""The recipients list: a CSV file with a header row naming an `email` column, and optionally `name`.

Spreadsheets save such a file with commas, or with semicolons where the comma is the decimal mark
(Swedish Excel), sometimes with a byte-order mark: all are read. The list is personal data: nothing of
it is kept or said beyond what sending needs; a problem names its line, not the person.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from pipeline.problems import Problems
from pipeline.source.fields import check_email

MOST = 100_000  # recipients in one list: more is a mistake (a wrong file), not a press list


@dataclass(frozen=True, slots=True)
class Recipient:
    line: int  # in the CSV file, for messages that must not repeat the address
    address: str
    name: str = ""


def read_recipients(path: Path) -> tuple[list[Recipient], Problems]:
    """Every recipient of the list, each address once; the list's problems, at their lines."""
    problems = Problems(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error(1, f"the list is not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'")
        return [], problems
    except OSError as exc:
        problems.error(0, f"the list cannot be read ({exc.strerror}); check the path and its permissions")
        return [], problems
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        problems.error(1, "the list is empty; its first row names the columns (email,name), then one recipient a row")
        return [], problems
    delimiter = max(",;\t", key=lines[0].count)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)  # a quoted cell may hold a line break
    header = [cell.strip().lower() for cell in next(rows)]
    columns = {name: header.index(name) for name in ("email", "e-mail", "e-post", "epost", "mail", "name", "namn")
               if name in header}
    email_column = next((columns[c] for c in ("email", "e-mail", "e-post", "epost", "mail") if c in columns), None)
    name_column = next((columns[c] for c in ("name", "namn") if c in columns), None)
    if email_column is None:
        problems.error(1, f"the first row has no 'email' column (it names: {', '.join(header) or 'nothing'}); "
                          "name the columns in the first row, e.g. email,name")
        return [], problems
    seen: set[str] = set()
    recipients = []
    after = rows.line_num
    for row in rows:
        number, after = after + 1, rows.line_num  # the row's first line
        if not any(cell.strip() for cell in row):
            continue
        address = row[email_column].strip() if email_column < len(row) else ""
        name = " ".join(row[name_column].split()) if name_column is not None and name_column < len(row) else ""
        if not address:
            problems.error(number, "this row has no e-mail address; add it, or remove the row")
            continue
        if why := check_email(address):
            reason = why[why.index("(") + 1:why.index(")")] if "(" in why and ")" in why else ""
            problems.error(number, "the e-mail address on this row is not valid" + (f" ({reason})" if reason else "")
                           + "; correct it (name@example.org) or remove the row")
            continue
        if not address.partition("@")[0].isascii():
            problems.error(number, "the e-mail address on this row has letters outside English before the @, which "
                                   "mail servers do not all take; write it as its owner gives it in plain letters, or "
                                   "remove the row")
            continue
        if address.lower() in seen:
            problems.warning(number, "this address is on the list already; it gets one message")
            continue
        seen.add(address.lower())
        recipients.append(Recipient(number, address, name))
        if len(recipients) > MOST:
            problems.error(number, f"the list has more than {MOST:,} recipients; is it the right file?")
            return [], problems
    if not recipients and not problems.has_errors:
        problems.error(2, "the list has no recipients; add one a row under the header")
    return recipients, problems
