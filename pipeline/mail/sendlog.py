"""The send log: which version of which release went to which address, kept in SQLite beside the build cache.

A row is written as a message is handed to the server, and marked sent once the server has accepted it,
each in its own transaction: a run that is stopped at any point (Ctrl-C, kill -9, the server going away)
knows, when run again, what was delivered. A message handed over but never confirmed is sent again with
the same Message-ID, which mail systems take as the same message. Only the address is kept of a recipient.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from pipeline.build.lock import Held, take

SCHEMA = """
CREATE TABLE IF NOT EXISTS sent (
    release TEXT NOT NULL,      -- the release's id
    version INTEGER NOT NULL,   -- 1 + its corrections
    address TEXT NOT NULL,      -- lower case
    message_id TEXT NOT NULL,
    content TEXT NOT NULL,      -- sha256 of what was sent (its PDF and text): to tell a later change
    copy TEXT NOT NULL,         -- 'public' or 'embargoed'
    state TEXT NOT NULL,        -- 'handed' to the server, then 'sent' once it accepted
    at TEXT NOT NULL,           -- UTC, ISO 8601
    PRIMARY KEY (release, version, address)
)
"""


class Busy(Exception):
    """Another press mail of this press room is sending: two would both send to the same people."""


class SendLog:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:  # one sender at a time; a killed run leaves no lock behind
            self.lock = take(path.with_name(path.name + ".lock"))
        except Held as held:
            held.handle.close()
            raise Busy(f"another press mail is sending from this press room ({held.holder}); run again when it has "
                       "finished: it sends to no one twice") from None
        # Addresses are personal data: the file is the owner's alone from its creation, and SQLite gives its
        # journal files (-wal, -shm) the same permissions.
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        path.chmod(0o600)
        # autocommit: every write is its own transaction, on disk before the next message goes
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute(SCHEMA)

    def delivered(self, release: str) -> dict[str, tuple[int, str]]:
        """Address -> (version, content) of the latest version of the release each address got."""
        rows = self.db.execute("SELECT address, version, content FROM sent WHERE release = ? AND state = 'sent' "
                               "ORDER BY version", (release,))
        return {address: (version, content) for address, version, content in rows}

    def handed(self, release: str, version: int, address: str, message_id: str, copy: str, content: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO sent VALUES (?, ?, ?, ?, ?, ?, 'handed', ?)",
                        (release, version, address.lower(), message_id, content, copy, _now()))

    def accepted(self, release: str, version: int, address: str) -> None:
        self.db.execute("UPDATE sent SET state = 'sent', at = ? WHERE release = ? AND version = ? AND address = ?",
                        (_now(), release, version, address.lower()))

    def refused(self, release: str, version: int, address: str) -> None:
        """The server did not take it: it may be sent again."""
        self.db.execute("DELETE FROM sent WHERE release = ? AND version = ? AND address = ? AND state = 'handed'",
                        (release, version, address.lower()))

    def close(self) -> None:
        self.db.close()
        self.lock.close()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
