"""The base class of every contribution, and the id patterns the host enforces."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

#: Pack-namespaced ids: ``physio.initial-assessment``, ``chiro.spine``.
NAMESPACED_ID = re.compile(r"^[a-z][a-z0-9_-]*\.[a-z0-9][a-z0-9_.-]*$")
#: Short ids: pack names, disciplines, measures (``odi``, ``bq-back``), views.
SHORT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: Field, section and item ids: they become keys of a note document.
KEY_ID = re.compile(r"^[a-z][a-z0-9_]*$")



def _suggest(value: str, keep: str, sep: str = "-") -> str:
    """``value`` lower-cased with every run of characters outside ``keep`` made ``sep``."""
    return re.sub(f"[^{keep}]+", sep, value.strip().lower()).strip("-_.")


def _check_short(value: str) -> str:
    if not SHORT_ID.match(value):
        raise ValueError(
            f"{value!r} is not a short id: use lower-case letters, digits and '-', starting "
            f"with a letter or digit (for example {_suggest(value, 'a-z0-9-') or 'odi'!r})"
        )
    return value


def _check_namespaced(value: str) -> str:
    if not NAMESPACED_ID.match(value):
        if "." not in value:
            hint = (f"prefix it with your pack's name, as in "
                    f"'yourpack.{_suggest(value, 'a-z0-9_-') or 'follow-up'}'")
        else:
            pack, _, rest = value.partition(".")
            hint = (f"use lower-case letters, digits, '-' and '_' (for example "
                    f"'{_suggest(pack, 'a-z0-9_-') or 'yourpack'}."
                    f"{_suggest(rest, 'a-z0-9_.-') or 'follow-up'}')")
        raise ValueError(f"{value!r} is not a pack-namespaced id: {hint}")
    return value


def _check_key(value: str) -> str:
    if not KEY_ID.match(value):
        raise ValueError(
            f"{value!r} is not a field, section or item id: these become keys of the note "
            "document, so use lower-case letters, digits and '_', starting with a letter "
            f"(for example {_suggest(value, 'a-z0-9_', '_') or 'pain_now'!r})"
        )
    return value


# The patterns are checked by validators (not ``pattern=``) so that a mistake gets a message
# that says what to do instead of pydantic's raw regular expression.
ShortId = Annotated[str, StringConstraints(max_length=64), AfterValidator(_check_short)]
NamespacedId = Annotated[
    str, StringConstraints(max_length=128), AfterValidator(_check_namespaced)
]
KeyId = Annotated[str, StringConstraints(max_length=64), AfterValidator(_check_key)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]


class Frozen(BaseModel):
    """Frozen, strict-keyed pydantic model: what every contribution is built from.

    Frozen so that the registry can hand the same object to every caller; ``extra="forbid"``
    so that a misspelled keyword argument is an error, not silently dropped.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")


def unique(ids: list[str] | tuple[str, ...], what: str) -> None:
    """Raise ``ValueError`` naming the first id that appears twice."""
    seen: set[str] = set()
    for one in ids:
        if one in seen:
            raise ValueError(f"duplicate {what} id {one!r}")
        seen.add(one)
