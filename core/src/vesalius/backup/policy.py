"""Which backups to keep: grandfather-father-son, a small pure rule.

Keep the newest backup of each of the last ``daily`` days (today included), of each of the
last ``weekly`` ISO weeks (Monday to Sunday, this week included) and of each of the last
``monthly`` calendar months (this month included); the newest backup of all is always kept,
as is anything dated after today (a clock put right). Days are UTC days. Everything else may
be deleted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

#: ``vesalius-20261204T023000Z.tar.gz``, ``.tar.gz.enc`` when encrypted. Files named any
#: other way in the backup folder are never pruned.
NAME = re.compile(r"^vesalius-(\d{8}T\d{6}Z)\.tar\.gz(\.enc)?$")


@dataclass(frozen=True)
class Retention:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12

    def __post_init__(self) -> None:
        for name in ("daily", "weekly", "monthly"):
            if getattr(self, name) < 0:
                raise ValueError(f"keep {name}: give 0 or more")


def backup_name(at: datetime, encrypted: bool) -> str:
    return f"vesalius-{at.astimezone(UTC):%Y%m%dT%H%M%SZ}.tar.gz" + (".enc" if encrypted
                                                                    else "")


def taken_at(name: str) -> datetime | None:
    found = NAME.match(name)
    if not found:
        return None
    return datetime.strptime(found.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def to_keep(times: Iterable[datetime], today: date, policy: Retention) -> set[datetime]:
    """The backup times (UTC) to keep on ``today``, by ``policy``."""
    times = sorted(set(times))
    if not times:
        return set()
    keep = {times[-1]} | {t for t in times if t.astimezone(UTC).date() > today}
    monday = today - timedelta(days=today.weekday())
    rules: list[tuple[Callable[[date], Hashable], Callable[[date], bool]]] = [
        (lambda d: d, lambda d: today - timedelta(days=policy.daily) < d <= today),
        (lambda d: d - timedelta(days=d.weekday()),
         lambda d: monday - timedelta(weeks=policy.weekly) < d - timedelta(days=d.weekday())
         <= monday),
        (_month_index,
         lambda d: _month_index(today) - policy.monthly < _month_index(d)
         <= _month_index(today)),
    ]
    for bucket, inside in rules:
        newest: dict[Hashable, datetime] = {}
        for t in times:  # ascending: the last one seen in a bucket is its newest
            day = t.astimezone(UTC).date()
            if inside(day):
                newest[bucket(day)] = t
        keep |= set(newest.values())
    return keep
