"""A pack's contributions declared in one place: :class:`Pack`.

Since 0.2 a pack's ``plugin.py`` can be a single declaration instead of one hook function
per kind of contribution::

    from vesalius_sdk import Pack

    from . import billing, validation
    from .charts import CHARTS
    from .discipline import PHYSIO
    from .measures import MEASURES
    from .templates import TEMPLATES

    pack = Pack(
        disciplines=(PHYSIO,),
        note_templates=TEMPLATES,
        charts=CHARTS,
        measures=MEASURES,
        billing_codes=billing.CODES,
        validate_note=validation.problems,
        charge_lines=billing.charge_lines,
    )

and the entry point names the object: ``physio = "vesalius_physio.plugin:pack"``.

The object implements, as pluggy hooks, exactly the hooks it was given something for:
the registration hooks of the non-empty collections and the behaviour hooks of the given
callables. It is an ordinary pluggy plugin, so a pack may still write any hook by hand
(a module of ``@hookimpl`` functions, as in SDK 0.1, keeps working unchanged).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .hookspecs import hookimpl

if TYPE_CHECKING:
    from .billing import BillingCode, ChargeLine
    from .charts import ChartDefinition
    from .context import AppointmentStatusChange, NoteContext, NoteProblem
    from .disciplines import Discipline
    from .measures import OutcomeMeasure
    from .printouts import Printout
    from .templates import NoteTemplate
    from .web import WebAddition

#: Registration hooks by the keyword of :class:`Pack` that feeds them.
_REGISTRATIONS = {
    "disciplines": "register_disciplines",
    "note_templates": "register_note_templates",
    "charts": "register_charts",
    "measures": "register_measures",
    "billing_codes": "register_billing_codes",
    "printouts": "register_printouts",
    "web_additions": "register_web_additions",
}


def _registration(hook: str, items: tuple[Any, ...]) -> Callable[..., None]:
    def register_all(register: Callable[[Any], None]) -> None:
        for item in items:
            register(item)

    register_all.__name__ = register_all.__qualname__ = hook
    return hookimpl(register_all)


def _behaviour(hook: str, function: Callable[..., Any]) -> Callable[..., Any]:
    # pluggy passes the hook's arguments by name, so the wrapper names them as the spec
    # does; the pack's function may be any callable taking them positionally.
    if hook in ("validate_note", "charge_lines", "note_signed"):
        def note_hook(note: NoteContext) -> Any:
            return function(note)

        impl = note_hook
    else:
        def change_hook(change: AppointmentStatusChange) -> Any:
            return function(change)

        impl = change_hook
    impl.__name__ = impl.__qualname__ = hook
    impl.__doc__ = getattr(function, "__doc__", None)
    return hookimpl(impl)


class Pack:
    """A pack's contributions and rules, declared once; an ordinary pluggy plugin.

    Each collection is registered through its registration hook in the order given. Each
    callable becomes the behaviour hook of the same name (called with the note, or for
    ``appointment_status_changed`` with the change): ``validate_note(note) ->
    list[NoteProblem]``, ``charge_lines(note) -> list[ChargeLine]``, ``note_signed(note)``,
    ``appointment_status_changed(change)``. Only what is given becomes a hook, so the host
    knows which packs listen to an event.
    """

    def __init__(
        self,
        *,
        disciplines: Iterable[Discipline] = (),
        note_templates: Iterable[NoteTemplate] = (),
        charts: Iterable[ChartDefinition] = (),
        measures: Iterable[OutcomeMeasure] = (),
        billing_codes: Iterable[BillingCode] = (),
        printouts: Iterable[Printout] = (),
        web_additions: Iterable[WebAddition] = (),
        validate_note: Callable[[NoteContext], list[NoteProblem]] | None = None,
        charge_lines: Callable[[NoteContext], list[ChargeLine]] | None = None,
        note_signed: Callable[[NoteContext], None] | None = None,
        appointment_status_changed: Callable[[AppointmentStatusChange], None] | None = None,
    ) -> None:
        given = {
            "disciplines": tuple(disciplines),
            "note_templates": tuple(note_templates),
            "charts": tuple(charts),
            "measures": tuple(measures),
            "billing_codes": tuple(billing_codes),
            "printouts": tuple(printouts),
            "web_additions": tuple(web_additions),
        }
        #: The module that declared the pack (``vesalius_physio.plugin``): where the test kit
        #: looks for the pack's templates and static files.
        self.module: str = sys._getframe(1).f_globals.get("__name__", "")
        self.hooks: tuple[str, ...] = ()
        hooks = []
        for keyword, items in given.items():
            if items:
                setattr(self, _REGISTRATIONS[keyword], _registration(_REGISTRATIONS[keyword],
                                                                     items))
                hooks.append(_REGISTRATIONS[keyword])
        behaviours = {
            "validate_note": validate_note,
            "charge_lines": charge_lines,
            "note_signed": note_signed,
            "appointment_status_changed": appointment_status_changed,
        }
        for hook, function in behaviours.items():
            if function is not None:
                if not callable(function):
                    raise TypeError(f"Pack({hook}=...) takes a function, got "
                                    f"{type(function).__name__}")
                setattr(self, hook, _behaviour(hook, function))
                hooks.append(hook)
        #: The hooks this pack implements, in the order above.
        self.hooks = tuple(hooks)

    def __repr__(self) -> str:
        return f"Pack(hooks={list(self.hooks)!r})"
