"""Whether a change in an outcome measure matters: an improvement of at least the MCID,
a worsening of at least the MCID, or neither. The measure's ``direction`` (declared by its
pack) says which way is better: ODI ``higher-is-worse``, PSFS ``higher-is-better``."""

from __future__ import annotations

from typing import Literal

Verdict = Literal["improved", "worse", "no-important-change"]

#: Each verdict's words on a badge (the words carry the meaning; colour only repeats it).
LABELS: dict[str, str] = {"improved": "Improved (MCID)", "worse": "Worse (MCID)",
                          "no-important-change": "No important change"}


def verdict(change: float | None, mcid: float | None, direction: str | None
            ) -> Verdict | None:
    """The verdict on ``change`` (latest minus first, in the measure's units), or None when
    the measure has no MCID or direction, or there is no change to judge yet."""
    if change is None or mcid is None or direction not in ("higher-is-better",
                                                          "higher-is-worse"):
        return None
    better = change if direction == "higher-is-better" else -change
    if better >= mcid:
        return "improved"
    if -better >= mcid:
        return "worse"
    return "no-important-change"
