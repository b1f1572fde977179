"""Collecting a pack's contributions through its registration hooks.

The host calls each pack's registration hooks itself, one pack at a time (llm's way), so that
every contribution is credited to the pack that made it and an error names that pack and hook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pluggy
from vesalius_sdk import (
    BillingCode,
    ChartDefinition,
    Discipline,
    NoteTemplate,
    OutcomeMeasure,
    Printout,
    WebAddition,
)

#: Registration hook -> (kind, model the ``register`` callback takes).
REGISTRATION_HOOKS: dict[str, tuple[str, type]] = {
    "register_disciplines": ("discipline", Discipline),
    "register_note_templates": ("template", NoteTemplate),
    "register_charts": ("chart", ChartDefinition),
    "register_measures": ("measure", OutcomeMeasure),
    "register_billing_codes": ("billing_code", BillingCode),
    "register_web_additions": ("web_addition", WebAddition),
    "register_printouts": ("printout", Printout),
}


class ContributionError(Exception):
    """A pack's contribution is not acceptable; the message names the pack and what failed."""


@dataclass
class Contributions:
    """What one pack registered, by kind, in registration order."""

    pack: str
    items: dict[str, list[Any]] = field(
        default_factory=lambda: {kind: [] for kind, _ in REGISTRATION_HOOKS.values()}
    )

    def ids(self, kind: str) -> list[str]:
        return [key_of(kind, item) for item in self.items[kind]]

    def counts(self) -> dict[str, int]:
        return {
            "templates": len(self.items["template"]),
            "charts": len(self.items["chart"]),
            "measures": len(self.items["measure"]),
            "billing_codes": len(self.items["billing_code"]),
            "disciplines": len(self.items["discipline"]),
            "printouts": len(self.items["printout"]),
        }


def key_of(kind: str, item: Any) -> str:
    """The id a contribution is registered under (a billing code by its code)."""
    if kind == "billing_code":
        return item.code
    if kind == "web_addition":
        return getattr(item.blueprint, "name", "?")
    return item.id


#: The declarative ``Pack`` argument each registration hook is filled from.
PACK_ARGUMENT = {
    "register_disciplines": "disciplines", "register_note_templates": "note_templates",
    "register_charts": "charts", "register_measures": "measures",
    "register_billing_codes": "billing_codes", "register_web_additions": "web_additions",
    "register_printouts": "printouts",
}


def wrong_type(hook: str, model: type, contribution: Any) -> str:
    """What to do when ``register()`` of ``hook`` is given something else."""
    got = type(contribution).__name__
    article = "an" if model.__name__[0] in "AEIOU" else "a"
    said = f"{hook}: register() takes {article} {model.__name__}, got {got}"
    if isinstance(contribution, list | tuple | set):
        return f"{said}: call register() once per {model.__name__}"
    for other, (_, other_model) in REGISTRATION_HOOKS.items():
        if isinstance(contribution, other_model):
            return (f"{said}: register it from {other} (Pack({PACK_ARGUMENT[other]}=...))")
    return said


def _register_callback(pack: str, hook: str, model: type, into: list[Any]) -> Callable:
    def register(contribution: Any) -> None:
        if not isinstance(contribution, model):
            raise ContributionError(wrong_type(hook, model, contribution))
        into.append(contribution)

    return register


def _check(pack: str, kind: str, item: Any) -> None:
    if kind in ("template", "chart", "printout") and not item.id.startswith(f"{pack}."):
        suggestion = f"{pack}.{item.id.split('.', 1)[-1]}"
        raise ContributionError(f"{kind} id {item.id!r} does not start with {pack + '.'!r}: "
                                f"prefix the {kind} id with your pack name: {suggestion!r}")
    if kind == "web_addition":
        name = getattr(item.blueprint, "name", None)
        if name != pack:
            raise ContributionError(f"web blueprint must be named {pack!r}, not {name!r}: "
                                    f"Blueprint({pack!r}, __name__)")


def collect(pm: pluggy.PluginManager, pack: str) -> Contributions:
    """Run ``pack``'s registration hooks; raise :class:`ContributionError` naming the hook."""
    found = Contributions(pack)
    for hook, (kind, model) in REGISTRATION_HOOKS.items():
        for impl in getattr(pm.hook, hook).get_hookimpls():
            if impl.plugin_name != pack:
                continue
            callback = _register_callback(pack, hook, model, found.items[kind])
            try:
                impl.function(**{"register": callback} if "register" in impl.argnames else {})
            except ContributionError:
                raise
            except Exception as exc:  # the pack's own code may raise anything
                raise ContributionError(f"{hook} failed: {type(exc).__name__}: {exc}") from exc
    for kind in found.items:
        ids = found.ids(kind)
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ContributionError(f"{kind} id {duplicates[0]!r} is registered twice: "
                                    "give each contribution its own id, or register it once")
        for item in found.items[kind]:
            _check(pack, kind, item)
    return found
