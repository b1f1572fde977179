"""The grandfather-father-son retention rule, with worked dates (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from vesalius.backup.policy import Retention, backup_name, taken_at, to_keep

TODAY = date(2026, 12, 4)  # a Friday


def nightly(first: date, last: date, hour: int = 2) -> list[datetime]:
    days = (last - first).days
    return [datetime(first.year, first.month, first.day, hour, 30, tzinfo=UTC)
            + timedelta(days=n) for n in range(days + 1)]


def days(kept: set[datetime]) -> list[str]:
    return sorted(t.date().isoformat() for t in kept)


def test_daily_weekly_monthly_over_a_year_of_nightly_backups() -> None:
    times = nightly(date(2025, 12, 1), TODAY)
    kept = to_keep(times, TODAY, Retention(daily=7, weekly=4, monthly=6))
    assert days(kept) == [
        # monthly: the newest of each of the last six months (Dec 2026 is today's)
        "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31",
        # weekly: the newest (Sunday) of the last four ISO weeks, this week's is today
        "2026-11-15", "2026-11-22",
        # daily: the last seven days; 2026-11-29 is also its week's Sunday,
        # 2026-11-30 is also November's newest
        "2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03",
        "2026-12-04",
    ]


def test_several_backups_a_day_keep_the_newest_of_each_day() -> None:
    times = nightly(date(2026, 12, 1), TODAY, hour=2) + nightly(date(2026, 12, 1), TODAY,
                                                                  hour=14)
    kept = to_keep(times, TODAY, Retention(daily=3, weekly=0, monthly=0))
    assert sorted(kept) == [datetime(2026, 12, d, 14, 30, tzinfo=UTC) for d in (2, 3, 4)]


def test_the_newest_backup_is_kept_whatever_the_policy() -> None:
    old = [datetime(2024, 1, 5, 2, 30, tzinfo=UTC), datetime(2024, 3, 9, 2, 30, tzinfo=UTC)]
    assert to_keep(old, TODAY, Retention(daily=7, weekly=4, monthly=12)) == {old[1]}
    assert to_keep(old, TODAY, Retention(daily=0, weekly=0, monthly=0)) == {old[1]}
    assert to_keep([], TODAY, Retention()) == set()


def test_a_gap_in_backups_keeps_what_there_is() -> None:
    """The worker was off for three weeks in November: each week and month still keeps
    its newest backup, however old within the window."""
    times = nightly(date(2026, 10, 20), date(2026, 11, 3)) + nightly(date(2026, 11, 25),
                                                                      TODAY)
    kept = to_keep(times, TODAY, Retention(daily=2, weekly=6, monthly=3))
    assert days(kept) == [
        "2026-10-31",  # October's newest
        "2026-11-01",  # the week of Oct 26 - Nov 1
        "2026-11-03",  # the week of Nov 2 (weeks of Nov 9 and 16 had none)
        "2026-11-29",  # the week of Nov 23
        "2026-11-30",  # November's newest
        "2026-12-03", "2026-12-04",  # daily; today is also this week's and month's
    ]


def test_backups_dated_after_today_are_kept() -> None:
    ahead = datetime(2026, 12, 6, 2, 30, tzinfo=UTC)
    times = [*nightly(date(2026, 12, 1), TODAY), ahead]
    assert ahead in to_keep(times, TODAY, Retention(daily=1, weekly=0, monthly=0))


def test_names_carry_the_time() -> None:
    at = datetime(2026, 12, 4, 2, 30, 5, tzinfo=UTC)
    assert backup_name(at, encrypted=True) == "vesalius-20261204T023005Z.tar.gz.enc"
    assert taken_at(backup_name(at, encrypted=False)) == at
    for other in ("vesalius-before-0007-20261204T023005Z.tar.gz", "notes.txt",
                  "vesalius-20261204T023005Z.tar.gz.partial"):
        assert taken_at(other) is None


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="keep weekly"):
        Retention(weekly=-1)
