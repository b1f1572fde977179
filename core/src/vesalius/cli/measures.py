"""``vesalius measures``: list outcome measures and score responses."""

from __future__ import annotations

import json

import click
from vesalius_sdk import ResponseError

from ..plugins import get_registry
from .output import emit_json, emit_table, fail


@click.group("measures")
def command() -> None:
    """Outcome measures and their scoring."""


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_measures(as_json: bool) -> None:
    """List the registered measures."""
    registry = get_registry()
    rows = [
        {
            "id": m.id,
            "title": m.title,
            "pack": registry.owner("measure", m.id),
            "version": m.version,
            "items": len(m.items),
            "range": [m.minimum, m.maximum],
            "unit": m.unit,
            "direction": m.direction,
            "mcid": m.mcid,
            "loinc": m.loinc,
            "item_text_included": m.item_text_included,
            "licence": m.licence,
        }
        for m in sorted(registry.measures.values(), key=lambda m: m.id)
    ]
    if as_json:
        emit_json(rows)
        return
    emit_table(("ID", "PACK", "ITEMS", "TITLE"),
               [(r["id"], r["pack"], r["items"], r["title"]) for r in rows])


@command.command("score")
@click.argument("measure_id")
@click.option("--json", "responses_json", required=True, metavar="JSON",
              help="Responses in published item order, e.g. '[1, 0, null, 3]', or by item "
                   "id or number, e.g. '{\"1\": 1, \"3\": 0}' (items left out are not "
                   "answered).")
def score(measure_id: str, responses_json: str) -> None:
    """Score one set of responses and print the result as JSON.

    Responses use the numbers of the published scoring sheet; null marks an item not
    answered. Responses the rule cannot score give complete=false and a reason (exit 0);
    malformed input exits 2 with a message on stderr.
    """
    registry = get_registry()
    if measure_id not in registry.measures:
        fail(f"unknown measure {measure_id!r} (see 'vesalius measures list')")
    try:
        responses = json.loads(responses_json)
    except json.JSONDecodeError as exc:
        fail(f"--json is not valid JSON: {exc.msg} at position {exc.pos}")
    if not isinstance(responses, list | dict):
        fail("--json must be a JSON array of responses, or an object of responses by item "
             "id or number")
    try:
        result = registry.score(measure_id, responses)
    except ResponseError as exc:
        fail(str(exc))
    emit_json({"measure": measure_id, **result.model_dump(mode="json")})
