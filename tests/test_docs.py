"""The docs cannot drift from the code: generated pages are current, every hook has its
entry with the spec's exact arguments (Datasette's meta-test), code blocks parse, and links
between pages resolve."""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import inspect
import re
from pathlib import Path

import pytest
from vesalius_sdk import hookspecs

DOCS = Path(__file__).resolve().parents[1] / "docs"
_spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
assert _spec and _spec.loader
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

PAGES = sorted(DOCS.glob("*.md"))


@pytest.mark.parametrize("page", sorted(generate.PAGES))
def test_generated_page_is_current(page):
    assert (DOCS / page).read_text() == generate.PAGES[page](), (
        f"docs/{page} is stale: run 'uv run python docs/generate.py'")


@pytest.mark.parametrize("hook", hookspecs.__all__)
def test_hook_is_documented_with_its_signature(hook):
    args = ", ".join(inspect.signature(getattr(hookspecs, hook)).parameters)
    hooks_md = (DOCS / "hooks.md").read_text()
    assert f"\n### {hook}({args})\n" in hooks_md, f"docs/hooks.md has no entry for {hook}"
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    assert doc, f"{hook} has no docstring to document it"


def test_every_exported_model_is_in_the_models_page():
    import vesalius_sdk
    from pydantic import BaseModel

    models_md = (DOCS / "models.md").read_text()
    for name in vesalius_sdk.__all__:
        obj = getattr(vesalius_sdk, name)
        if inspect.isclass(obj) and issubclass(obj, BaseModel):
            assert f"\n### {name}\n" in models_md, name


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_python_blocks_parse(page):
    for block in re.findall(r"```python\n(.*?)```", page.read_text(), re.S):
        if block.startswith("def ") and block.count("\n") == 1:
            block = block.rstrip() + ": ..."  # a signature line of the references
        ast.parse(block)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_between_pages_resolve(page):
    for target, anchor in re.findall(r"\]\(([\w-]+\.md)(?:#([\w-]+))?\)", page.read_text()):
        assert (DOCS / target).exists(), f"{page.name} links to missing {target}"
        if anchor:
            headings = re.findall(r"^#+ (.+)$", (DOCS / target).read_text(), re.M)
            assert anchor in {generate.slug(h) for h in headings}, (
                f"{page.name} links to missing #{anchor} in {target}")


def test_every_api_endpoint_has_its_entry():
    import vesalius.api  # noqa: F401  (registers the endpoints)
    from vesalius.api.openapi import document

    api_md = (DOCS / "api.md").read_text()
    for path, item in document()["paths"].items():
        for method in item:
            assert f"\n#### {method.upper()} {path}\n" in api_md, f"{method} {path}"


def test_testing_page_covers_the_whole_kit():
    """Every helper, fixture and public member of the registry the kit returns is on
    docs/testing.md (issue 12: authors learnt half the kit from the scaffold)."""
    from vesalius.plugins import PackInfo, Registry
    from vesalius_sdk import testing

    page = (DOCS / "testing.md").read_text()
    fixtures = re.findall(r"@pytest\.fixture\ndef (\w+)", inspect.getsource(testing))
    members = {n for n in vars(Registry) if not n.startswith("_")}
    members |= set(re.findall(r"self\.([a-z]\w*)(?:: [^=]+)? =",
                              inspect.getsource(Registry.__init__)))
    fields = {f.name for f in dataclasses.fields(PackInfo)}
    for name in [*testing.__all__, *fixtures, *members, *fields]:
        assert f"`{name}" in page, f"docs/testing.md does not mention {name}"
