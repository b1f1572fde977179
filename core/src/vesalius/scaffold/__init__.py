"""``vesalius new-pack``: a complete, installable discipline pack from a template.

The template lives beside this module (``pack/``) as jinja2 files (``*.jinja``); in their
paths ``__package__`` becomes the pack's import package and ``__short__`` its name in
snake case, and ``gitignore`` is written as ``.gitignore``. Datasette's plugin cookiecutter, without
the cookiecutter dependency: jinja2 is already in the stack.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import jinja2

NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
SUFFIX = ".jinja"
#: Files kept without their leading dot in the package data (tools skip dotfiles).
DOTFILES = {"gitignore": ".gitignore"}

#: PyPI only accepts classifiers registered in pypa/trove-classifiers, and hatchling refuses
#: to build with an unknown one. Until this one is registered, packs carry it as a comment.
FRAMEWORK_CLASSIFIER = "Framework :: Vesalius"


class ScaffoldError(ValueError):
    """The pack cannot be written as asked (a bad name, a directory in the way)."""


@dataclass(frozen=True)
class PackNames:
    """Every spelling of one pack's name the template needs."""

    name: str  # entry-point name, discipline id, id prefix: "hand-therapy"
    distribution: str  # "vesalius-hand-therapy"
    package: str  # "vesalius_hand_therapy"
    discipline: str  # "Hand therapy"
    classifier_registered: bool


def classifier_registered() -> bool:
    """Whether PyPI's classifier list (as installed here) knows the framework classifier."""
    try:
        import trove_classifiers
    except ImportError:
        return False
    return FRAMEWORK_CLASSIFIER in trove_classifiers.classifiers


def names(name: str, discipline: str | None = None) -> PackNames:
    """Check ``name`` and derive the other spellings; ``ScaffoldError`` says what is wrong."""
    if not NAME.match(name) or len(name) > 40:
        raise ScaffoldError(
            f"{name!r} is not a pack name: use lower-case letters, digits and single hyphens, "
            "starting with a letter (for example 'massage' or 'hand-therapy')")
    title = (discipline or name.replace("-", " ")).strip()
    if not title:
        raise ScaffoldError("the discipline title is empty")
    return PackNames(
        name=name,
        distribution=f"vesalius-{name}",
        package=f"vesalius_{name.replace('-', '_')}",
        discipline=title[0].upper() + title[1:],
        classifier_registered=classifier_registered(),
    )


def _files(folder: Traversable, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...],
                                                                           Traversable]]:
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            found += _files(entry, (*prefix, entry.name))
        elif entry.name.endswith(SUFFIX):
            found.append(((*prefix, entry.name.removesuffix(SUFFIX)), entry))
    return found


def render(pack: PackNames) -> dict[str, str]:
    """The pack's files: relative path -> content."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             autoescape=False)
    values = asdict(pack)
    out = {}
    for parts, entry in _files(resources.files(__package__) / "pack"):
        short = pack.name.replace("-", "_")
        path = "/".join(DOTFILES.get(p, p).replace("__package__", pack.package)
                        .replace("__short__", short) for p in parts)
        out[path] = env.from_string(entry.read_text(encoding="utf-8")).render(**values)
    return out


def write_pack(name: str, target: Path, discipline: str | None = None) -> list[Path]:
    """Write pack ``name`` into ``target`` (created; it must not hold files yet)."""
    pack = names(name, discipline)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target} already exists and is not empty")
    written = []
    for relative, content in render(pack).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
