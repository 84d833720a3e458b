"""ISO 8601 moments as communicators and the command line write them (kept apart from YAML, which is slow to import)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def parse_moment(text: str, tz: ZoneInfo | None) -> datetime | None:
    """ISO 8601 date or date-time; a date alone is 00:00 and a missing offset is `tz` (kept naive if None)."""
    text = text.strip()
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=tz)
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=tz)
