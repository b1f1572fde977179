"""``vesalius templates``: list note templates and show their fields."""

from __future__ import annotations

import click
from vesalius_sdk import TableField

from ..plugins import get_registry
from .output import emit_json, emit_table, fail


@click.group("templates")
def command() -> None:
    """Note templates."""


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_templates(as_json: bool) -> None:
    """List the registered note templates."""
    registry = get_registry()
    rows = [
        {
            "id": t.id,
            "version": t.version,
            "title": t.title,
            "discipline": t.discipline,
            "kind": t.kind,
            "pack": registry.owner("template", t.id),
            "fields": len(t.iter_fields()),
        }
        for t in sorted(registry.templates.values(), key=lambda t: t.id)
    ]
    if as_json:
        emit_json(rows)
        return
    emit_table(("ID", "VERSION", "PACK", "FIELDS", "TITLE"),
               [(r["id"], r["version"], r["pack"], r["fields"], r["title"]) for r in rows])


@command.command("show")
@click.argument("template_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def show(template_id: str, as_json: bool) -> None:
    """Show TEMPLATE_ID's sections and fields (and fields unavailable here)."""
    registry = get_registry()
    template = registry.templates.get(template_id)
    if template is None:
        fail(f"unknown template {template_id!r} (see 'vesalius templates list')")
    unavailable = registry.unavailable_fields(template_id)
    if as_json:
        emit_json({**template.model_dump(mode="json"),
                   "pack": registry.owner("template", template_id),
                   "unavailable": dict(unavailable)})
        return
    click.echo(f"{template.title} ({template.id} v{template.version}, {template.discipline})")
    if template.default_for:
        click.echo(f"default for {' and '.join(template.default_for)} visits")
    carried = set(template.carried_paths())
    for section in template.sections:
        folded = " (starts folded)" if section.collapsed else ""
        click.echo(f"\n[{section.id}] {section.title}{folded}")
        for field in section.fields:
            path = f"{section.id}.{field.id}"
            flags = "".join((" required" if field.required else "",
                             " carried" if path in carried else "",
                             " must-be-ticked" if getattr(field, "must_be_true", False) else ""))
            notice = f"  -- {unavailable[path]}" if path in unavailable else ""
            click.echo(f"  {field.id:<24} {field.kind:<13}{flags}  {field.label}{notice}")
            if isinstance(field, TableField):
                for column in field.columns:
                    click.echo(f"      | {column.id:<20} {column.kind:<13} {column.label}")
                for computed in field.computed:
                    click.echo(f"      | {computed.id:<20} {'computed':<13} {computed.label}")
                if field.rows:
                    click.echo(f"      | {len(field.rows)} pre-filled rows")
