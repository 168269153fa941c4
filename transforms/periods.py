"""Retention periods and instants (Beam-free).

A period is an ISO-8601 duration subset ``PnYnMnWnD`` (e.g. ``P1Y``, ``P18M``, ``P90D``, ``P1Y6M``).
Arithmetic is calendar arithmetic in UTC: years and months first, clamping the day to the end of the
month (2024-02-29 + P1Y = 2025-02-28), then weeks and days as exact 24-hour days. Every instant is
normalized to UTC; naive inputs are taken as UTC. Expired means ``expires_at <= as_of``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

_PERIOD_RE = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


@dataclass(frozen=True, slots=True)
class Period:
    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Period:
        m = _PERIOD_RE.match(str(text).strip().upper())
        if not m or not any(m.groups()):
            raise ValueError(f"retention period {text!r} is not an ISO-8601 duration like P1Y, P6M, P90D")
        y, mo, w, d = (int(g or 0) for g in m.groups())
        return cls(years=y, months=mo, days=7 * w + d)

    def add_to(self, start: datetime) -> datetime:
        start = to_utc(start)
        total = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + total // 12, total % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return start.replace(year=year, month=month, day=day) + timedelta(days=self.days)

    def __str__(self) -> str:
        parts = [f"{n}{u}" for n, u in ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if n]
        return "P" + ("".join(parts) or "0D")


def to_utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """An ISO-8601 date or datetime (``Z`` or offset allowed) as an aware UTC datetime.

    A bare date means the start of that day in UTC. ``now`` and ``today`` are accepted (for schedulers).
    """
    s = str(text).strip()
    if s.lower() == "now":
        return datetime.now(UTC).replace(microsecond=0)
    if s.lower() == "today":
        return datetime.combine(datetime.now(UTC).date(), datetime.min.time(), tzinfo=UTC)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return datetime.combine(date.fromisoformat(s), datetime.min.time(), tzinfo=UTC)
    return to_utc(datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00")))


def format_instant(dt: datetime) -> str:
    return to_utc(dt).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def now_iso() -> str:
    """The current UTC instant as ISO-8601 with ``Z``, to the second: the one timestamp format of
    manifests, audit events, keyset histories and gate reports."""
    return format_instant(datetime.now(UTC))


def is_expired(expires_at: str | datetime | None, as_of: datetime) -> bool:
    """True when a record with this ``expires_at`` must be gone at ``as_of`` (None never expires).

    ``expires_at`` is a timestamp (Parquet ``timestamp[us, UTC]`` read back) or, in files written before
    schema 2, an ISO-8601 string."""
    if not expires_at:
        return False
    when = to_utc(expires_at) if isinstance(expires_at, datetime) else parse_instant(expires_at)
    return when <= to_utc(as_of)


def instant_text(value: str | datetime) -> str:
    """ISO-8601 UTC text of a timestamp column value (or of an older file's string value)."""
    return format_instant(value) if isinstance(value, datetime) else format_instant(parse_instant(value))
