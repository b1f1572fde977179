"""The immutable registry of everything the enabled packs contribute, and its hook calls."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any

import pluggy
from pydantic import BaseModel
from vesalius_sdk import (
    AppointmentStatusChange,
    BillingCode,
    ChargeLine,
    ChartDefinition,
    Discipline,
    NoteContext,
    NoteProblem,
    NoteTemplate,
    OutcomeMeasure,
    PrintHeader,
    Printout,
    ResponseError,
    Score,
    WebAddition,
)
from vesalius_sdk.documents import (
    DocumentError,
    document_model,
    missing_required,
    validate_document,
)

log = logging.getLogger("vesalius.plugins")


class PackError(RuntimeError):
    """A pack's hook failed or returned something unacceptable while the clinic ran."""

    def __init__(self, pack: str, hook: str, message: str) -> None:
        super().__init__(f"pack {pack!r}, hook {hook}: {message}")
        self.pack = pack
        self.hook = hook


@dataclass(frozen=True)
class PackInfo:
    """One pack as ``vesalius plugins list`` and the admin page show it."""

    name: str
    distribution: str | None
    version: str | None
    status: str  # "enabled" or "disabled"
    reason: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)
    hooks: tuple[str, ...] = ()
    requires_sdk: str | None = None
    default: bool = False
    #: When disabled because an id is already taken: the pack that holds it.
    conflict_with: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "status": self.status,
            "reason": self.reason,
            "contributions": {
                key: self.counts.get(key, 0)
                for key in ("templates", "charts", "measures", "billing_codes", "printouts")
            },
            "disciplines": self.counts.get("disciplines", 0),
            "hooks": list(self.hooks),
            "requires_sdk": self.requires_sdk,
            "conflict_with": self.conflict_with,
        }


def _frozen(mapping: dict[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


class Registry:
    """Lookups by id of what enabled packs contribute, and calls into their behaviour hooks.

    Built once by :func:`vesalius.plugins.build_registry`; never changed afterwards.
    """

    def __init__(
        self,
        pm: pluggy.PluginManager,
        packs: Iterable[PackInfo],
        owners: Mapping[str, Mapping[str, str]],
        items: Mapping[str, Mapping[str, Any]],
        unavailable: Mapping[str, Mapping[str, str]],
        web_additions: Iterable[tuple[str, WebAddition]],
        contributions: Mapping[str, Mapping[str, Iterable[Any]]] | None = None,
    ) -> None:
        self._pm = pm
        self.packs: tuple[PackInfo, ...] = tuple(packs)
        self._owners = {kind: _frozen(dict(ids)) for kind, ids in owners.items()}
        self.disciplines: Mapping[str, Discipline] = _frozen(dict(items["discipline"]))
        self.templates: Mapping[str, NoteTemplate] = _frozen(dict(items["template"]))
        self.charts: Mapping[str, ChartDefinition] = _frozen(dict(items["chart"]))
        self.measures: Mapping[str, OutcomeMeasure] = _frozen(dict(items["measure"]))
        self.billing_codes: Mapping[str, BillingCode] = _frozen(dict(items["billing_code"]))
        self.printouts: Mapping[str, Printout] = _frozen(dict(items["printout"]))
        self._unavailable = {t: _frozen(dict(f)) for t, f in unavailable.items()}
        self.web_additions: tuple[tuple[str, WebAddition], ...] = tuple(web_additions)
        self._contributions = {
            pack: _frozen({kind: tuple(items) for kind, items in by_kind.items()})
            for pack, by_kind in (contributions or {}).items()
        }
        self.document_model = cache(self._document_model)

    # -- lookups -----------------------------------------------------------------------

    def pack(self, name: str) -> PackInfo:
        for info in self.packs:
            if info.name == name:
                return info
        raise KeyError(f"no pack named {name!r}")

    def contributions(self, pack: str) -> Mapping[str, tuple[Any, ...]]:
        """What an enabled ``pack`` itself registered, by kind (``template``, ``chart``,
        ``measure``, ``billing_code``, ``discipline``, ``printout``, ``web_addition``).

        A billing code two packs share is listed under both; the lookups above hold the
        first registration.
        """
        try:
            return self._contributions[pack]
        except KeyError:
            raise KeyError(f"no enabled pack named {pack!r}") from None

    @property
    def enabled(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.packs if p.status == "enabled")

    def owner(self, kind: str, id: str) -> str:
        """The pack that contributed ``id`` of ``kind`` (template, chart, measure, ...)."""
        try:
            return self._owners[kind][id]
        except KeyError:
            raise KeyError(f"no {kind} {id!r} is registered") from None

    def template(self, template_id: str) -> NoteTemplate:
        try:
            return self.templates[template_id]
        except KeyError:
            raise KeyError(f"no note template {template_id!r} is registered") from None

    def unavailable_fields(self, template_id: str) -> Mapping[str, str]:
        """Fields of the template whose chart or measure is missing: path -> notice."""
        return self._unavailable.get(template_id, MappingProxyType({}))

    # -- documents and measures --------------------------------------------------------

    def _document_model(self, template_id: str) -> type[BaseModel]:
        return document_model(self.template(template_id), self.charts, self.measures,
                              self.billing_codes)

    def validate_document(self, template_id: str, document: Any) -> dict[str, Any]:
        """The document checked against its template; raises ``DocumentError`` naming fields."""
        return validate_document(self.document_model(template_id), document)

    def score(self, measure_id: str,
              responses: Iterable[int | None] | Mapping[str | int, int | None]) -> Score:
        """Score responses by the measure's published rule (``ResponseError`` on bad shape).

        ``responses`` are in item order, or (SDK 0.2) a mapping by item id or 1-based item
        number, where an item left out is unanswered.
        """
        try:
            measure = self.measures[measure_id]
        except KeyError:
            raise KeyError(f"no measure {measure_id!r} is registered") from None
        given = dict(responses) if isinstance(responses, Mapping) else list(responses)
        try:
            return measure.score(given)
        except ResponseError:
            raise  # the caller's input, not the pack's fault
        except (ValueError, TypeError) as exc:
            raise PackError(self.owner("measure", measure_id), "scorer", str(exc)) from exc

    # -- printouts ----------------------------------------------------------------------

    def printouts_for(self, template_id: str) -> list[Printout]:
        """The printouts offered on notes made from ``template_id``."""
        return [p for p in self.printouts.values() if template_id in p.templates]

    def render_printout(self, printout_id: str, note: NoteContext,
                        header: PrintHeader | None = None) -> str:
        """The printout's HTML page for ``note``; ``PackError`` naming the pack on failure."""
        printout = self.printouts[printout_id]
        if note.template_id not in printout.templates:
            raise KeyError(f"printout {printout_id!r} does not print {note.template_id!r} notes")
        try:
            html = printout.page(note, header)
        except Exception as exc:  # the page shows a placeholder; the error names the pack
            raise PackError(self.owner("printout", printout_id), "register_printouts",
                            f"render failed: {type(exc).__name__}") from exc
        if not isinstance(html, str):
            raise PackError(self.owner("printout", printout_id), "register_printouts",
                            "render must return a str")
        return html

    # -- behaviour hooks ---------------------------------------------------------------

    def implements(self, hook: str) -> bool:
        """Whether any enabled pack implements ``hook`` (skip building an unheard event)."""
        return bool(getattr(self._pm.hook, hook).get_hookimpls())

    def _call_owner(self, hook: str, pack: str, **kwargs: Any) -> Any:
        for impl in getattr(self._pm.hook, hook).get_hookimpls():
            if impl.plugin_name == pack:
                try:
                    return impl.function(**{a: kwargs[a] for a in impl.argnames})
                except Exception as exc:  # fail closed, naming the pack and the hook
                    raise PackError(pack, hook, f"{type(exc).__name__}: {exc}") from exc
        return None

    def problems_before_signing(self, note: NoteContext) -> list[NoteProblem]:
        """Every problem of ``note``: document errors, required fields left empty, and the
        owner pack's ``validate_note`` findings. Those whose ``blocks`` is true (severity
        ``"error"``) stop signing; warnings are shown and do not."""
        template = self.template(note.template_id)
        try:
            document = self.validate_document(note.template_id, note.document)
        except DocumentError as exc:
            return list(exc.problems)
        problems = missing_required(template, document, self.unavailable_fields(template.id))
        pack = self.owner("template", template.id)
        found = self._call_owner("validate_note", pack, note=note) or []
        for problem in found:
            if not isinstance(problem, NoteProblem):
                raise PackError(pack, "validate_note", "must return NoteProblem objects")
            problems.append(problem)
        return problems

    def charge_lines(self, note: NoteContext) -> list[ChargeLine]:
        """The owner pack's charge lines for ``note``; only registered codes may be billed."""
        pack = self.owner("template", note.template_id)
        lines = list(self._call_owner("charge_lines", pack, note=note) or [])
        for line in lines:
            if not isinstance(line, ChargeLine):
                raise PackError(pack, "charge_lines", "must return ChargeLine objects")
            if line.code not in self.billing_codes:
                raise PackError(pack, "charge_lines", f"code {line.code} is not registered")
        return lines

    def _notify(self, hook: str, **kwargs: Any) -> None:
        for impl in getattr(self._pm.hook, hook).get_hookimpls():
            try:
                impl.function(**{a: kwargs[a] for a in impl.argnames})
            except Exception as exc:  # events fail soft; log no clinical content
                log.error("pack %r, hook %s failed: %s", impl.plugin_name, hook,
                          type(exc).__name__)

    def note_signed(self, note: NoteContext) -> None:
        self._notify("note_signed", note=note)

    def appointment_status_changed(self, change: AppointmentStatusChange) -> None:
        self._notify("appointment_status_changed", change=change)
