"""Hook specifications: the reference for pack authors.

Since 0.2 a pack usually declares its contributions and rules once, as a
:class:`vesalius_sdk.Pack`, which implements these hooks for it. A pack may also be a module
(or object) whose functions are marked with :data:`vesalius_sdk.hookimpl` and named after
these specs (the 0.1 way, still supported). It is found through the ``vesalius.plugins``
entry-point group; the entry-point name is the pack's stable id and the prefix of its
template and chart ids::

    [project.entry-points."vesalius.plugins"]
    physio = "vesalius_physio.plugin:pack"    # a Pack object
    # legacy = "vesalius_legacy.plugin"       # or a module of @hookimpl functions

Implementations may accept a subset of a spec's arguments (pluggy's opt-in arguments), so
specs can gain arguments without breaking packs. Hooks grow by gaining arguments, never by
changing meaning.

Registration hooks are called once, when the host builds its registry. Behaviour hooks are
called while the clinic runs; the host calls a behaviour hook about a note only on the pack
that owns the note's template. Integrity hooks (validation, charges) fail closed: an error
stops the signing and names the pack and hook. Event hooks fail soft: an error is logged
with the pack and hook and the clinic carries on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .billing import BillingCode, ChargeLine
    from .charts import ChartDefinition
    from .context import AppointmentStatusChange, NoteContext, NoteProblem
    from .disciplines import Discipline
    from .measures import OutcomeMeasure
    from .printouts import Printout
    from .templates import NoteTemplate
    from .web import WebAddition

PROJECT = "vesalius"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = [
    "appointment_status_changed",
    "charge_lines",
    "note_signed",
    "register_billing_codes",
    "register_charts",
    "register_disciplines",
    "register_measures",
    "register_note_templates",
    "register_printouts",
    "register_web_additions",
    "validate_note",
]

# ---------------------------------------------------------------------------------------
# Registration hooks: called once per pack while the registry is built.
# ---------------------------------------------------------------------------------------


@hookspec
def register_disciplines(register: Callable[[Discipline], None]) -> None:
    """Register the disciplines this pack brings.

    Call ``register(Discipline(id="physio", title="Physiotherapy"))`` once per discipline.
    A discipline id is owned by one pack; another pack registering it is a conflict.

    :param register: takes one :class:`~vesalius_sdk.Discipline`.

    .. versionadded:: 0.1
    """


@hookspec
def register_note_templates(register: Callable[[NoteTemplate], None]) -> None:
    """Register note templates.

    Template ids are namespaced by the pack's entry-point name (``physio.follow-up``). A
    field may refer to a chart or measure of another pack; when that pack is missing the
    field is unavailable (a required one disables this pack with a reason).

    :param register: takes one :class:`~vesalius_sdk.NoteTemplate`.

    .. versionadded:: 0.1
    """


@hookspec
def register_charts(register: Callable[[ChartDefinition], None]) -> None:
    """Register charts practitioners click on (body, spine, meridian, foot).

    Chart ids are namespaced by the pack (``chiro.spine``); region ids are stable forever,
    because signed notes store them.

    :param register: takes one :class:`~vesalius_sdk.ChartDefinition`.

    .. versionadded:: 0.1
    """


@hookspec
def register_measures(register: Callable[[OutcomeMeasure], None]) -> None:
    """Register outcome measures, each with its published scoring rule and worked examples.

    Measures keep their common short id (``odi``, ``ndi``) and have exactly one owner pack.

    :param register: takes one :class:`~vesalius_sdk.OutcomeMeasure`.

    .. versionadded:: 0.1
    """


@hookspec
def register_billing_codes(register: Callable[[BillingCode], None]) -> None:
    """Register the billing codes this pack's charge rule may bill.

    Several packs may register one code (97140 is physio's and massage's) as long as they
    agree on whether it is timed; labels are each pack's own words.

    :param register: takes one :class:`~vesalius_sdk.BillingCode`.

    .. versionadded:: 0.1
    """


@hookspec
def register_web_additions(register: Callable[[WebAddition], None]) -> None:
    """Register Flask blueprints (pages, print views, static files) for the web app.

    The blueprint's name must be the pack name; it is mounted at ``/packs/<pack>/`` behind
    the core's login and permission checks (pack routes need the practitioner role unless
    the blueprint sets ``vesalius_permission`` to another permission name).

    :param register: takes one :class:`~vesalius_sdk.WebAddition`.

    .. versionadded:: 0.1
    """


@hookspec
def register_printouts(register: Callable[[Printout], None]) -> None:
    """Register printable documents made from notes (handouts, letters, programmes).

    The host offers each printout on notes made from its ``templates`` and serves the page
    its ``render(note)`` returns behind the host's permission checks and audit. Printout
    ids are namespaced by the pack (``physio.home-programme``).

    :param register: takes one :class:`~vesalius_sdk.Printout`.

    .. versionadded:: 0.1
    """


# ---------------------------------------------------------------------------------------
# Note hooks: called on the pack that owns the note's template. Integrity hooks: an
# exception stops the signing with an error naming the pack and the hook.
# ---------------------------------------------------------------------------------------


@hookspec
def validate_note(note: NoteContext) -> Iterable[NoteProblem] | None:
    """Return the problems that stop ``note`` from being signed, or nothing.

    Called when the practitioner asks to sign, after the host has checked the document
    against the template and its required fields. Use it for rules across fields ("an
    initial assessment needs a diagnosis and an outcome measure"). Name the field of each
    problem (``section.field``) so the editor can show it there. A problem with
    ``severity="warning"`` is shown to the practitioner without blocking the signature.
    ``note.template`` is the note's template (no look-up by id needed) and
    ``note.same_day_notes`` the case's other notes of the same day.

    :param note: the note about to be signed, with its case and payer.
    :return: problems (no error among them allows signing).

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``severity`` on problems; ``note.template`` and ``note.same_day_notes``.
    """


@hookspec
def charge_lines(note: NoteContext) -> Sequence[ChargeLine] | None:
    """Return the lines to bill for a signed note (the charge rule).

    Called when a note is signed, and for the editor's live preview of a draft. Must be a
    pure function of ``note``: the same note gives the same lines. Only codes the pack
    registered may be billed. Units for timed codes come from
    :func:`vesalius_sdk.billing.timed_units` with ``note.case.payer.timed_method``.
    ``note.same_day_notes`` lists the case's other notes of the day with the codes already
    charged for them, so a once-a-day code (an evaluation) is not billed twice.

    :param note: the note, with its case and payer.
    :return: charge lines; empty or ``None`` bills nothing.

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       ``note.template`` and ``note.same_day_notes``.
    """


# ---------------------------------------------------------------------------------------
# Event hooks: called on every enabled pack; errors are logged, never raised.
# ---------------------------------------------------------------------------------------


@hookspec
def note_signed(note: NoteContext) -> None:
    """Called after a note has been signed and stored.

    :param note: the signed note (``signed_at`` set). Do not log clinical content.

    .. versionadded:: 0.1
    """


@hookspec
def appointment_status_changed(change: AppointmentStatusChange) -> None:
    """Called after an appointment changed status (booked, arrived, no-show, ...).

    :param change: old and new status with the appointment's and case's ids.

    .. versionadded:: 0.1
    """
