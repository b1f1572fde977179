"""The clinic's memory of its packs, and the order in which packs claim ids.

When two packs claim one id (a measure, a discipline ...), the pack earlier in
:func:`precedence` keeps it and the other is disabled naming it. The order is:

1. the core's own packs (``general``);
2. packs the clinic has run with, in the order it first enabled them (``pack_memory``);
3. first-party packs (published from the Vesalius repository), by name;
4. every other pack, by name.

So a newly installed pack never knocks out one the clinic already runs, whatever the names'
alphabetical order. Without a database (the command line, a first start) steps 1, 3 and 4
still decide. The memory is read and written when the app opens the clinic's database
(:func:`open_clinic`); rows are only ever added.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

# SQLAlchemy is imported by the functions that touch the database: building a registry
# without one (``vesalius plugins list``) does not pay for it.
if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..db import Database
    from .registry import Registry

log = logging.getLogger("vesalius.plugins")

#: Distributions published from the Vesalius repository: without a memory they keep their
#: ids against packs from elsewhere.
FIRST_PARTY = frozenset(f"vesalius-{name}" for name in (
    "acupuncture", "chiro", "massage", "osteo", "physio", "podiatry"))

_remembered: tuple[str, ...] = ()


class _Pack(Protocol):
    name: str
    distribution: str | None
    default: bool


def remembered() -> tuple[str, ...]:
    """The packs this process's clinic has run with, oldest first (empty: no memory)."""
    return _remembered


def set_remembered(packs: Iterable[str]) -> None:
    global _remembered
    _remembered = tuple(packs)


def precedence(packs: Iterable[Any], memory: Sequence[str] = ()) -> list[str]:
    """Pack names in the order they claim ids (see the module's docstring)."""
    rank = {name: i for i, name in enumerate(memory)}

    def key(pack: _Pack) -> tuple[int, int, str]:
        if pack.default:
            return (0, 0, "")  # stable sort keeps the core's own order
        if pack.name in rank:
            return (1, rank[pack.name], "")
        return (2 if pack.distribution in FIRST_PARTY else 3, 0, pack.name)

    return [p.name for p in sorted(packs, key=key)]


def load(session: Session) -> tuple[str, ...]:
    from sqlalchemy import select

    from ..models import PackMemory

    return tuple(session.scalars(select(PackMemory.pack)
                                 .order_by(PackMemory.seq, PackMemory.pack)))


def remember(session: Session, registry: Registry) -> list[str]:
    """Add the registry's enabled packs the clinic has not run with yet; the names added."""
    from sqlalchemy import func, select

    from ..models import PackMemory

    known = set(load(session))
    enabled = set(registry.enabled)
    new = [p for p in precedence(registry.packs, tuple(known)) if p in enabled - known]
    if not new:
        return []
    start = (session.scalar(select(func.max(PackMemory.seq))) or 0) + 1
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    rows = [{"pack": p, "seq": start + i, "distribution": registry.pack(p).distribution}
            for i, p in enumerate(new)]
    # Several workers start at once: the first to insert a pack wins, the others skip it.
    session.execute(insert(PackMemory).values(rows).on_conflict_do_nothing())
    return new


def open_clinic(database: Database) -> None:
    """Run this process on the clinic's pack memory: build the registry with it (unless one
    was set explicitly), then remember the packs it enabled."""
    from sqlalchemy.exc import SQLAlchemyError

    from . import _rebuild_with_memory, get_registry

    try:
        with database.sessions() as session:
            memory = load(session)
            if memory != remembered():  # another clinic's memory, or none read yet
                set_remembered(memory)
                _rebuild_with_memory()
            remember(session, get_registry())
            session.commit()
    except SQLAlchemyError as exc:  # a database without the table (not upgraded): no memory
        log.warning("pack memory unavailable: %s", type(exc).__name__)
