"""Helpers for building acupuncture notes in tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from vesalius_sdk import CaseContext, NoteContext, PayerContext


def make_note(document: dict[str, Any], template: str = "acupuncture.treatment",
              payer: str = "self-pay") -> NoteContext:
    return NoteContext(
        template_id=template,
        template_version=1,
        document=document,
        date_of_service=date(2025, 3, 14),
        case=CaseContext(discipline="acupuncture", payer=PayerContext(kind=payer)),
    )


@pytest.fixture
def note_factory():
    return make_note
