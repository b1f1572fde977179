"""Building the registry: register each pack, collect, merge, check references.

A pack that fails anywhere is disabled with a reason and the rest keep working; in strict
mode (``VESALIUS_STRICT_PLUGINS=1``, on in the test kit) the first failure raises instead.
"""

from __future__ import annotations

import difflib
import inspect
import os
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pluggy
from vesalius_sdk import ChartField, hookspecs

from .collect import ContributionError, Contributions, collect, key_of
from .loading import Candidate, default_candidates, entry_point_candidates
from .memory import precedence, remembered
from .registry import PackInfo, Registry

SPEC_NAMES = tuple(hookspecs.__all__)


class PluginLoadError(RuntimeError):
    """Raised in strict mode: a pack could not be loaded. ``reasons`` maps pack to reason."""

    def __init__(self, reasons: dict[str, str]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(f"pack {p!r}: {r}" for p, r in reasons.items()))


def env_list(name: str) -> set[str]:
    return {part.strip() for part in os.environ.get(name, "").split(",") if part.strip()}


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _unknown_hooks(pm: pluggy.PluginManager, plugin: Any) -> str | None:
    for caller in pm.get_hookcallers(plugin) or []:
        if caller.spec is not None:
            continue
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and not impl.optionalhook:
                close = difflib.get_close_matches(caller.name, SPEC_NAMES, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                return f"unknown hook {caller.name!r}{hint}"
    return None


def _signature_error(exc: Exception) -> str:
    """pluggy's validation message, turned into what to change."""
    text = str(exc)
    hook = re.search(r"for hook '(\w+)'", text)
    extra = re.search(r"Argument\(s\) (\{.*?\})", text)
    if hook and extra and hook.group(1) in SPEC_NAMES:
        name = hook.group(1)
        args = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
        return (f"hook signature error: {name} gives only ({args}); your {name} also asks "
                f"for {extra.group(1)}: remove those arguments")
    return f"hook signature error: {text.splitlines()[-1] if text else type(exc).__name__}"


def _register(pm: pluggy.PluginManager, candidate: Candidate) -> str | None:
    """Register one pack with pluggy; the reason it cannot be, or ``None``."""
    try:
        pm.register(candidate.plugin, name=candidate.name)
    except Exception as exc:  # PluginValidationError, or a name already taken
        if pm.get_plugin(candidate.name) is candidate.plugin:
            pm.unregister(name=candidate.name)
        return _signature_error(exc)
    reason = _unknown_hooks(pm, candidate.plugin)
    if not reason and not pm.get_hookcallers(candidate.plugin):
        where = getattr(candidate.plugin, "__name__", type(candidate.plugin).__name__)
        reason = (f"{where} implements no hook: point the entry point at your Pack "
                  f"(\"{candidate.name} = 'your_package.plugin:pack'\") or at the module of "
                  "your @hookimpl functions, and check each hook has @hookimpl")
    if reason:
        pm.unregister(name=candidate.name)
        return reason
    candidate.hooks = sorted(c.name for c in pm.get_hookcallers(candidate.plugin) or [])
    return None


def reused_id(kind: str, key: str, pack: str, other: str) -> str:
    """The reason a pack is disabled for claiming an id ``other`` holds, and what to do."""
    label = kind.replace("_", " ")
    said = f"{label} id {key!r} is already registered by pack {other!r}"
    if kind == "measure":
        return (f"{said}: use theirs by id (MeasureField(measure={key!r}, pack={other!r})) "
                f"or give yours an id that carries your pack name: '{pack}-{key}'")
    if kind == "discipline":
        return (f"{said}: write your templates for discipline {key!r} without registering "
                f"it, or register your own discipline {pack!r}")
    return f"{said}: ids carry the pack name, so rename yours '{pack}.{key.split('.', 1)[-1]}'"


KINDS = ("discipline", "template", "chart", "measure", "billing_code", "printout")


def same_measure(held: Any, other: Any) -> bool:
    """Whether ``other`` is the measure ``held`` under the same id: same version, range,
    direction and items, and both score every worked example of either alike.

    Used for measures the core's own pack holds: a common measure that moved there (the
    ODI from physio 0.2.0, the NDI from chiro 0.2.0) is still registered by pack releases
    made before the move, which keep running beside the newer core with the core's measure.
    """

    def shape(m: Any) -> tuple[Any, ...]:
        return (m.version, m.minimum, m.maximum, m.direction,
                tuple((i.id, i.minimum, i.maximum, i.optional) for i in m.items))

    if shape(held) != shape(other):
        return False
    for example in (*held.examples, *other.examples):
        try:
            if held.score(example.responses) != other.score(example.responses):
                return False
        except Exception:  # a rule that fails on the other's example is another rule
            return False
    return bool(held.examples or other.examples)


def _merge(order: list[str], found: dict[str, Contributions], failed: dict[str, str],
           conflicts: dict[str, str], core_packs: frozenset[str] = frozenset()) -> tuple[
    dict[str, dict[str, Any]], dict[str, dict[str, str]]
]:
    """Merge packs in order; a pack that reuses another's id is failed, naming both
    (``conflicts`` maps it to the pack holding the id), unless it registers the very
    measure one of the ``core_packs`` holds (:func:`same_measure`)."""
    items: dict[str, dict[str, Any]] = {k: {} for k in KINDS}
    owners: dict[str, dict[str, str]] = {k: {} for k in KINDS}
    for pack in order:
        if pack in failed:
            continue
        conflict = None
        for kind in KINDS:
            for item in found[pack].items[kind]:
                key = key_of(kind, item)
                if key not in items[kind]:
                    continue
                other = owners[kind][key]
                if kind == "billing_code":
                    theirs = items[kind][key]
                    if (theirs.timed, theirs.unit_minutes) == (item.timed, item.unit_minutes):
                        continue  # one CPT code, two packs' words for it: fine
                    conflict = (f"billing code {key} is registered by pack {other!r} with "
                                f"different timing")
                elif (kind == "measure" and other in core_packs
                      and same_measure(items[kind][key], item)):
                    continue  # a release from before the measure moved to the core
                else:
                    conflict = reused_id(kind, key, pack, other)
                conflicts[pack] = other
                break
            if conflict:
                break
        if conflict:
            failed[pack] = conflict
            continue
        for kind in KINDS:
            for item in found[pack].items[kind]:
                key = key_of(kind, item)
                if key not in items[kind]:
                    items[kind][key] = item
                    owners[kind][key] = pack
    return items, owners


def _references(order: list[str], found: dict[str, Contributions],
                items: dict[str, dict[str, Any]], failed: dict[str, str]
                ) -> dict[str, dict[str, str]]:
    """Check template references; fail packs whose required references are missing.

    Returns the notices of optional fields whose chart or measure is missing.
    """
    unavailable: dict[str, dict[str, str]] = {}
    for pack in order:
        if pack in failed:
            continue
        for template in found[pack].items["template"]:
            if template.discipline not in items["discipline"]:
                failed[pack] = (f"template {template.id!r} names unknown discipline "
                                f"{template.discipline!r}: register Discipline(id="
                                f"{template.discipline!r}) in your pack, or use an enabled "
                                f"one ({', '.join(sorted(items['discipline'])) or 'none'})")
                break
            for path, ref in template.references():
                if isinstance(ref, ChartField):
                    kind, target, provider = "chart", ref.chart, ref.chart.split(".", 1)[0]
                else:
                    kind, target, provider = "measure", ref.measure, ref.pack or pack
                if target in items[kind]:
                    continue
                if ref.required:
                    failed[pack] = (f"template {template.id!r} field {path!r} requires {kind} "
                                    f"{target!r}, which no enabled pack provides")
                    break
                unavailable.setdefault(template.id, {})[path] = (
                    f"{kind.capitalize()} {target!r} is unavailable: install or enable the "
                    f"{provider!r} pack to use this field."
                )
            if pack in failed:
                break
    return unavailable


def build_registry(
    *,
    disabled: Iterable[str] = (),
    strict: bool | None = None,
    extra_plugins: Iterable[tuple[str, Any]] = (),
    entry_points: bool = True,
    memory: Sequence[str] | None = None,
) -> Registry:
    """Find, check and register every pack; return the registry of the enabled ones.

    :param disabled: pack names not to load (added to ``VESALIUS_DISABLED_PLUGINS``).
    :param strict: raise :class:`PluginLoadError` instead of disabling a failing pack
        (default: ``VESALIUS_STRICT_PLUGINS``).
    :param extra_plugins: ``(name, module_or_object)`` pairs registered like packs (tests).
    :param entry_points: also load installed packs from the ``vesalius.plugins`` group.
    :param memory: packs the clinic has run with, oldest first: they keep ids a newcomer
        claims too (default: the memory :func:`~vesalius.plugins.memory.open_clinic` read).
        The whole order is :func:`~vesalius.plugins.memory.precedence`.
    """
    strict = env_flag("VESALIUS_STRICT_PLUGINS") if strict is None else strict
    disabled_names = set(disabled) | env_list("VESALIUS_DISABLED_PLUGINS")
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)

    candidates = default_candidates()
    for name, plugin in extra_plugins:
        reason = "disabled by configuration" if name in disabled_names else None
        candidates.append(Candidate(name=name, plugin=None if reason else plugin, reason=reason))
    if entry_points:
        candidates += entry_point_candidates(disabled_names)

    failed: dict[str, str] = {c.name: c.reason for c in candidates if c.reason}
    found: dict[str, Contributions] = {}
    order: list[str] = []
    for candidate in candidates:
        if candidate.reason:
            continue
        if candidate.name in order:
            failed.setdefault(candidate.name, "pack name is already taken")
            continue
        reason = _register(pm, candidate)
        if reason is None:
            try:
                found[candidate.name] = collect(pm, candidate.name)
            except ContributionError as exc:
                reason = f"invalid contribution: {exc}"
        if reason:
            candidate.reason = failed[candidate.name] = reason
            continue
        order.append(candidate.name)
    loaded = {c.name: c for c in reversed(candidates) if c.name in order}  # first of a name
    order = precedence(loaded.values(), remembered() if memory is None else memory)

    # Merging and reference checks repeat until stable: disabling one pack may remove a
    # chart or measure that another pack's required field needs.
    conflicts: dict[str, str] = {}
    while True:
        before = len(failed)
        items, owners = _merge(order, found, failed, conflicts,
                               frozenset(n for n, c in loaded.items() if c.default))
        unavailable = _references(order, found, items, failed)
        if len(failed) == before:
            break

    user_disabled = {"disabled by configuration"}
    errors = {p: r for p, r in failed.items() if r not in user_disabled}
    if strict and errors:
        raise PluginLoadError(errors)
    for pack in failed:
        if pm.get_plugin(pack) is not None:
            pm.unregister(name=pack)

    infos = []
    for candidate in candidates:
        enabled = candidate.name in order and candidate.name not in failed
        infos.append(PackInfo(
            name=candidate.name,
            distribution=candidate.distribution,
            version=candidate.version,
            status="enabled" if enabled else "disabled",
            reason=None if enabled else failed.get(candidate.name, candidate.reason),
            counts=found[candidate.name].counts() if enabled else {},
            hooks=tuple(candidate.hooks) if enabled else (),
            requires_sdk=candidate.requires_sdk,
            default=candidate.default,
            conflict_with=None if enabled else conflicts.get(candidate.name),
        ))
    enabled_packs = [p for p in order if p not in failed]
    web = [(p, w) for p in enabled_packs for w in found[p].items["web_addition"]]
    return Registry(pm, infos, owners, items, unavailable, web,
                    {p: found[p].items for p in enabled_packs})
