"""The base class of every contribution, and the id patterns the host enforces."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

#: Pack-namespaced ids: ``physio.initial-assessment``, ``chiro.spine``.
NAMESPACED_ID = re.compile(r"^[a-z][a-z0-9_-]*\.[a-z0-9][a-z0-9_.-]*$")
#: Short ids: pack names, disciplines, measures (``odi``, ``bq-back``), views.
SHORT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: Field, section and item ids: they become keys of a note document.
KEY_ID = re.compile(r"^[a-z][a-z0-9_]*$")

ShortId = Annotated[str, StringConstraints(pattern=SHORT_ID.pattern, max_length=64)]
NamespacedId = Annotated[str, StringConstraints(pattern=NAMESPACED_ID.pattern, max_length=128)]
KeyId = Annotated[str, StringConstraints(pattern=KEY_ID.pattern, max_length=64)]
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
