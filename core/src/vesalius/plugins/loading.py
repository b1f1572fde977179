"""Finding packs: the core's default pack, entry points, and their compatibility.

Every pack is loaded in its own ``try``: one broken distribution must not stop the clinic
(pluggy's own ``load_setuptools_entrypoints`` stops at the first failure).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

ENTRY_POINT_GROUP = "vesalius.plugins"
SDK_DISTRIBUTION = "vesalius-sdk"

#: The core's own content, written as packs of the core (registered before entry points).
DEFAULT_PLUGINS: tuple[tuple[str, str], ...] = (("general", "vesalius.general.plugin"),)


@dataclass
class Candidate:
    """A pack found but not yet registered: where it came from and whether it loaded."""

    name: str
    distribution: str | None = None
    version: str | None = None
    plugin: Any = None
    reason: str | None = None
    requires_sdk: str | None = None
    default: bool = False
    hooks: list[str] = field(default_factory=list)


def sdk_version() -> Version:
    """The installed SDK's version."""
    return Version(metadata.version(SDK_DISTRIBUTION))


@dataclass(frozen=True)
class SdkRequirement:
    """A distribution's requirement on the SDK: its version range."""

    specifier: SpecifierSet


#: A requirement's leading project name, and what follows it.
_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(.*)$", re.S)


def _canonical(name: str) -> str:
    """A project name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def sdk_requirement(dist: metadata.Distribution) -> SdkRequirement | None:
    """The distribution's own ``Requires-Dist`` on the SDK, if it declares one.

    A plain ``vesalius-sdk>=0.2,<0.3`` is read with a specifier set alone; only a line with
    extras, a marker or a URL needs ``packaging.requirements`` (a fifth of the start-up of
    ``vesalius plugins list`` to import), so it is imported only then."""
    for line in dist.requires or []:
        found = _NAME.match(line)
        if found is None or _canonical(found[1]) != SDK_DISTRIBUTION:
            continue
        rest = found[2].strip()
        if not rest.startswith(("[", "(", "@")) and ";" not in rest:
            try:
                return SdkRequirement(SpecifierSet(rest))
            except InvalidSpecifier:
                continue
        from packaging.requirements import InvalidRequirement, Requirement

        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            return SdkRequirement(req.specifier)
    return None


def incompatibility(dist: metadata.Distribution) -> str | None:
    """Why the pack's declared SDK range excludes the installed SDK, or ``None``."""
    req = sdk_requirement(dist)
    if req is None:
        return f"{dist.metadata['Name']} does not declare a {SDK_DISTRIBUTION} requirement"
    installed = sdk_version()
    if req.specifier and not req.specifier.contains(installed, prereleases=True):
        return (
            f"requires {SDK_DISTRIBUTION}{req.specifier} but {SDK_DISTRIBUTION} {installed} "
            "is installed"
        )
    return None


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def default_candidates() -> list[Candidate]:
    core = metadata.distribution("vesalius")
    req = sdk_requirement(core)
    return [
        Candidate(name=name, distribution="vesalius", default=True, version=core.version,
                  requires_sdk=str(req.specifier) if req else None,
                  plugin=importlib.import_module(module))
        for name, module in DEFAULT_PLUGINS
    ]


def entry_point_candidates(disabled: set[str]) -> list[Candidate]:
    """Every ``vesalius.plugins`` entry point, sorted by name, each loaded on its own.

    A disabled pack is listed but never imported (the kill switch must work on a pack whose
    import crashes).
    """
    found: list[Candidate] = []
    seen: dict[str, str] = {}
    eps = sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    for ep in eps:
        dist = ep.dist
        candidate = Candidate(
            name=ep.name,
            distribution=dist.metadata["Name"] if dist else None,
            version=dist.version if dist else None,
        )
        found.append(candidate)
        if ep.name in seen:
            if seen[ep.name] == candidate.distribution:
                found.pop()  # the same distribution seen twice on sys.path
                continue
            candidate.reason = (
                f"pack name {ep.name!r} is already used by distribution {seen[ep.name]!r}"
            )
            continue
        seen[ep.name] = candidate.distribution or "?"
        if ep.name in disabled:
            candidate.reason = "disabled by configuration"
            continue
        if dist is not None:
            req = sdk_requirement(dist)
            candidate.requires_sdk = str(req.specifier) if req else None
            candidate.reason = incompatibility(dist)
            if candidate.reason:
                continue
        try:
            candidate.plugin = ep.load()
        except Exception as exc:  # a pack's import may fail in any way
            candidate.reason = f"import failed: {_error(exc)}"
    return found
