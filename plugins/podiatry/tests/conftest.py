"""Helpers for building podiatry notes in tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from vesalius_sdk import CaseContext, NoteContext, PayerContext


def make_note(template: str, document: dict[str, Any], payer: str = "self-pay",
              modifiers: frozenset[str] = frozenset()) -> NoteContext:
    return NoteContext(
        template_id=template,
        template_version=1,
        document=document,
        date_of_service=date(2025, 3, 14),
        case=CaseContext(discipline="podiatry",
                         payer=PayerContext(kind=payer, modifiers=modifiers)),
    )


@pytest.fixture
def note_factory():
    return make_note
