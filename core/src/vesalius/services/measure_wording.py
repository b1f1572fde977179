"""Which outcome measures a patient may be sent, and the wording they are shown.

A measure ships its items' published wording only where its licence allows
(``item_text_included``: LEFS, SPADI). Any other measure (ODI, NDI, DASH...) is not offered
to patients as shipped: Vesalius may not show its questions. A clinic that holds a licence
records it here (who holds it, the licence reference, its date) and enters the item and
option wording itself; the wording is kept in the clinic's database, never shipped, and from
then on the measure can be sent and is shown with the clinic's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from vesalius_sdk import OutcomeMeasure

from ..errors import Invalid, NotFound
from ..models import MeasureWording
from ..plugins import get_registry
from . import audit
from .actor import Actor
from .common import Input

#: Why a measure without shipped wording is not offered to patients (shown on the send form).
NOT_LICENSED = ("the publisher's licence does not let Vesalius show its questions; a clinic "
                "with a licence loads the wording")

#: Why a generic scale or a public-domain measure with no shipped wording is not offered.
NO_WORDING = ("Vesalius ships only its own short labels for it, not wording for patients; "
              "the clinic loads the wording it wants patients to read")
#: Licence texts that say there is nothing to license (generic scales, public domain).
_FREE = ("no item text to license", "public domain")

Text = Annotated[str, Field(min_length=1, max_length=2000)]


class ItemWordingIn(Input):
    """One item's question and the wording of each response value (by value, as text)."""

    text: Text
    options: dict[str, Annotated[str, Field(min_length=1, max_length=500)]]


class WordingIn(Input):
    licence_holder: Annotated[str, Field(min_length=2, max_length=200)]
    licence_reference: Annotated[str, Field(min_length=2, max_length=200)]
    licensed_on: date
    instructions: Annotated[str, Field(max_length=4000)] | None = None
    items: dict[str, ItemWordingIn]


@dataclass(frozen=True)
class ItemShown:
    """An item as the patient sees it: its question and its choices (value, words)."""

    id: str
    text: str
    optional: bool
    choices: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class PatientMeasure:
    id: str
    title: str
    instructions: str | None
    items: tuple[ItemShown, ...]
    #: "shipped" (published wording in the pack) or "clinic" (loaded under a licence).
    wording: str


@dataclass(frozen=True)
class Offer:
    measure_id: str
    title: str
    offered: bool
    reason: str | None = None


def _wordings(session: Session) -> dict[str, MeasureWording]:
    return {w.measure_id: w for w in session.scalars(select(MeasureWording))}


def _offer(measure: OutcomeMeasure, wording: MeasureWording | None) -> Offer:
    if measure.item_text_included:
        return Offer(measure.id, measure.title, True)
    if wording is None:
        free = any(words in measure.licence.lower() for words in _FREE)
        return Offer(measure.id, measure.title, False, NO_WORDING if free else NOT_LICENSED)
    if wording.measure_version != measure.version:
        return Offer(measure.id, measure.title, False,
                     f"the clinic's wording was loaded for version {wording.measure_version};"
                     f" load it again for version {measure.version}")
    return Offer(measure.id, measure.title, True)


def offers(session: Session) -> list[Offer]:
    """Every installed measure, whether it may be sent to patients and why not (one query)."""
    registry, loaded = get_registry(), _wordings(session)
    return sorted((_offer(m, loaded.get(m.id)) for m in registry.measures.values()),
                  key=lambda o: (not o.offered, o.title.lower()))


def offer(session: Session, measure_id: str) -> Offer:
    measure = get_registry().measures.get(measure_id)
    if measure is None:
        return Offer(measure_id, measure_id, False, f"no measure {measure_id!r} is installed")
    wording = session.scalar(select(MeasureWording).where(
        MeasureWording.measure_id == measure_id))
    return _offer(measure, wording)


def patient_measure(session: Session, measure_id: str) -> PatientMeasure:
    """The measure as a patient is shown it; :class:`Invalid` when it may not be shown."""
    measure = get_registry().measures.get(measure_id)
    found = offer(session, measure_id)
    if measure is None or not found.offered:
        raise Invalid(f"{measure_id}: {found.reason}", field="measures")
    if measure.item_text_included:
        items = tuple(ItemShown(
            i.id, i.text or i.label, i.optional,
            tuple((v, i.anchors.get(v, str(v))) for v in range(i.minimum, i.maximum + 1)))
            for i in measure.items)
        return PatientMeasure(measure.id, measure.title, measure.instructions, items,
                              "shipped")
    wording = session.scalar(select(MeasureWording).where(
        MeasureWording.measure_id == measure_id))
    assert wording is not None  # offered without shipped text: the clinic loaded it
    items = tuple(ItemShown(
        i.id, wording.items[i.id]["text"], i.optional,
        tuple((v, wording.items[i.id]["options"][str(v)])
              for v in range(i.minimum, i.maximum + 1)))
        for i in measure.items)
    return PatientMeasure(measure.id, measure.title, wording.instructions, items, "clinic")


def read(session: Session, actor: Actor, measure_id: str) -> MeasureWording | None:
    actor.require("settings.write")
    return session.scalar(select(MeasureWording).where(
        MeasureWording.measure_id == measure_id))


def _checked_items(measure: OutcomeMeasure, items: dict[str, ItemWordingIn]
                   ) -> dict[str, Any]:
    """The wording in item order, every item and response value present (field named)."""
    known = {i.id for i in measure.items}
    for key in items:
        if key not in known:
            raise Invalid(f"{measure.id} has no item {key!r}", field=f"items.{key}")
    out: dict[str, Any] = {}
    for item in measure.items:
        given = items.get(item.id)
        if given is None or not given.text.strip():
            raise Invalid(f"give the wording of item {item.label!r}",
                          field=f"items.{item.id}.text")
        values = [str(v) for v in range(item.minimum, item.maximum + 1)]
        for value in values:
            if not (given.options.get(value) or "").strip():
                raise Invalid(f"give the wording of response {value} of item {item.label!r}",
                              field=f"items.{item.id}.options.{value}")
        extra = set(given.options) - set(values)
        if extra:
            raise Invalid(f"item {item.label!r} takes responses {values[0]} to {values[-1]}",
                          field=f"items.{item.id}.options.{sorted(extra)[0]}")
        out[item.id] = {"text": given.text.strip(),
                        "options": {v: given.options[v].strip() for v in values}}
    return out


def record(session: Session, actor: Actor, measure_id: str, data: WordingIn) -> MeasureWording:
    """Record the clinic's licence for ``measure_id`` and its wording (owner). Replaces any
    wording loaded before; audited (the licence reference, never the wording)."""
    actor.require("settings.write")
    measure = get_registry().measures.get(measure_id)
    if measure is None:
        raise NotFound(f"no measure {measure_id!r} is installed")
    if measure.item_text_included:
        raise Invalid(f"{measure.title} ships its published wording: nothing to load",
                      field="measure_id")
    items = _checked_items(measure, data.items)
    row = session.scalar(select(MeasureWording).where(MeasureWording.measure_id == measure_id))
    if row is None:
        row = MeasureWording(measure_id=measure_id)
        session.add(row)
    row.measure_version = measure.version
    row.licence_holder = data.licence_holder.strip()
    row.licence_reference = data.licence_reference.strip()
    row.licensed_on = data.licensed_on
    row.instructions = (data.instructions or "").strip() or None
    row.items = items
    row.recorded_by = actor.user_id
    session.flush()
    audit.record(session, actor, "update", "measure-wording", row.id,
                 detail=f"{measure_id} under licence {row.licence_reference}"[:300])
    return row


def remove(session: Session, actor: Actor, measure_id: str) -> None:
    """Delete the clinic's wording (its licence ended): the measure is no longer offered."""
    actor.require("settings.write")
    row = session.scalar(select(MeasureWording).where(MeasureWording.measure_id == measure_id))
    if row is None:
        raise NotFound(f"no wording is loaded for {measure_id!r}")
    session.delete(row)
    session.flush()
    audit.record(session, actor, "delete", "measure-wording", None, detail=measure_id)
