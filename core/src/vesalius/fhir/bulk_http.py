"""Bulk Data ``$export`` over HTTP (HL7 FHIR Bulk Data Access 2.0, "Bulk Data Export"),
on the FHIR blueprint: the kick-off, the status URL the kick-off names, and the files the
manifest lists. The job itself is :mod:`.bulk`.

- ``GET /fhir/R4/$export`` (every type) and ``GET /fhir/R4/Patient/$export`` (the types of
  patients' compartments), with ``Prefer: respond-async`` (else 400): 202 with
  ``Content-Location`` naming the status URL.
- ``GET /fhir/R4/$export-status/<key>``: 202 with ``X-Progress`` and ``Retry-After`` while
  it runs; 200 with the manifest (``application/json``) when done; 500 with an
  OperationOutcome when it failed. ``DELETE``: 202, cancelled and its files removed.
- ``GET /fhir/R4/$export-file/<key>/<Type>.ndjson``: ``application/fhir+ndjson``.

All need the bearer token of the owner who kicked the export off.
"""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, request, send_file
from sqlalchemy.orm import Session

from ..api.framework import database
from ..errors import Invalid
from ..services.actor import Actor
from . import bulk
from .http import base_url, fhir_route, outcome, preferences

#: Seconds a client is asked to wait between status polls.
RETRY_AFTER = 5


def _root() -> Path:
    configured = current_app.config.get("VESALIUS_DATA_DIR")
    return Path(configured) if configured else bulk.data_dir(database().url)


def _kick_off(session: Session, actor: Actor, level: str) -> Response:
    prefer = preferences()
    if "respond-async" not in prefer:
        raise Invalid("$export runs asynchronously: send the header Prefer: respond-async",
                      field="Prefer")
    params = {k: request.args.getlist(k) for k in request.args if k != "_format"}
    if "handling=lenient" in prefer:  # unsupported parameters ignored, as asked
        params = {k: v for k, v in params.items() if k in bulk.PARAMETERS}
    job = bulk.kick_off(session, actor, bulk.Request(level=level, url=request.url,
                                                     base=base_url(), params=params))
    response = Response(status=202)
    response.headers["Content-Location"] = f"{base_url()}/$export-status/{job.key}"
    return response


@fhir_route("/$export")
def export(session: Session, actor: Actor) -> Response:
    """Kick off an export of every resource type (Bulk Data system-level export)."""
    return _kick_off(session, actor, "system")


@fhir_route("/Patient/$export")
def patient_export(session: Session, actor: Actor) -> Response:
    """Kick off an export of every patient's compartment (Bulk Data patient-level export)."""
    return _kick_off(session, actor, "patient")


@fhir_route("/$export-status/<string:key>", methods=("GET", "DELETE"))
def export_status(session: Session, actor: Actor, key: str) -> Response:
    """Where an export is (202), its manifest (200), or why it failed (500); DELETE
    cancels it and removes its files."""
    if request.method == "DELETE":
        bulk.delete(session, actor, key, root=_root())
        return Response(status=202)
    state = bulk.status(session, actor, key, base=base_url())
    if state.state == "done":
        response = current_app.response_class(
            current_app.json.dumps(state.manifest), status=200, mimetype="application/json")
        return response
    if state.state == "failed":
        return outcome(500, state.error or "the export failed")
    response = Response(status=202)
    response.headers["X-Progress"] = state.progress or state.state
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


@fhir_route("/$export-file/<string:key>/<string:file>")
def export_file(session: Session, actor: Actor, key: str, file: str) -> Response:
    """One file of a finished export, one resource per line."""
    path = bulk.file_path(session, actor, key, file, root=_root())
    return send_file(path, mimetype=bulk.NDJSON, as_attachment=False, max_age=0,
                     conditional=False, etag=False)
