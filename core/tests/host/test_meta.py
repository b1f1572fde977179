"""Meta-tests in Datasette's manner: specs, docs and tests must not drift apart."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from vesalius_sdk import hookspecs

HOOKS = hookspecs.__all__
TEST_NAMES = [
    node.name
    for path in Path(__file__).parent.glob("test_*.py")
    for node in ast.walk(ast.parse(path.read_text()))
    if isinstance(node, ast.FunctionDef) and node.name.startswith("test_hook_")
]


def test_all_lists_every_spec():
    specs = {name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
             if hasattr(fn, "vesalius_spec")}
    assert specs == set(HOOKS)


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook):
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    assert len(doc.splitlines()[0]) > 20, f"{hook} needs a one-line summary"
    for arg in inspect.signature(getattr(hookspecs, hook)).parameters:
        assert f":param {arg}:" in doc, f"{hook} does not document {arg}"
    assert ".. versionadded::" in doc


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook):
    assert any(hook in name for name in TEST_NAMES), f"no test_hook_* test exercises {hook}"
