"""The OpenAPI 3.1 document, built from the routes' declarations and pydantic models."""

from __future__ import annotations

import re
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from .. import __version__
from .framework import ENDPOINTS, ID_MAX, ID_MIN, route

STATUS_TEXT = {200: "OK", 201: "Created", 204: "No content"}
ERRORS = {
    "401": "Missing, unknown, revoked or expired token",
    "403": "The role or the patient scope does not allow this",
    "404": "No such record",
    "409": "Conflicts with the record's state (overlap, signed note, transition)",
    "422": "Invalid input; `field` names it (also: integers beyond 32 bits, dates outside "
           "1900-01-01..2200-12-31, amounts not in plain digits with at most 2 decimals, "
           "JSON nested deeper than 64 levels)",
    "413": "The body is larger than the limit: 2 MiB unless `VESALIUS_MAX_BODY_BYTES` says "
           "otherwise (operations with a body)",
    "503": "The database is busy, unavailable or read-only (`cause`: `read-only`, "
           "`io-error`); nothing was changed",
    "507": "The server's storage is full (`cause`: `disk-full`); nothing was changed",
}
#: Answers only operations with a body can give.
BODY_ONLY = frozenset({"413"})


def _path_schema(name: str) -> dict[str, Any]:
    """Ids are integers in the database's id range (an id outside it names no record)."""
    if name.endswith("_id") and name not in ("template_id", "measure_id"):
        return {"type": "integer", "minimum": ID_MIN, "maximum": ID_MAX}
    return {"type": "string"}


def _models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for ep in ENDPOINTS:
        for model in (ep.body, ep.query, ep.response):
            if get_origin(model) is list:
                (model,) = get_args(model)
            if isinstance(model, type) and issubclass(model, BaseModel):
                found[model.__name__] = model
    return list(found.values())


def document() -> dict[str, Any]:
    models = _models()
    pairs = [(m, "validation") for m in models] + [(m, "serialization") for m in models]
    keys, schema = models_json_schema(pairs, ref_template="#/components/schemas/{model}")

    def ref(model: type[BaseModel], mode: str) -> dict[str, Any]:
        return keys[(model, mode)]

    paths: dict[str, dict[str, Any]] = {}
    for ep in ENDPOINTS:
        path = "/api/v1" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", ep.rule)
        op: dict[str, Any] = {
            "operationId": ep.view.__name__,
            "summary": ep.summary,
            "tags": list(ep.tags),
            "parameters": [{"name": p, "in": "path", "required": True,
                            "schema": _path_schema(p)} for p in ep.path_params],
            "responses": {},
        }
        if ep.permission is not None:
            op["security"] = [{"bearer": []}]
            op["x-permission"] = ep.permission
        if ep.query is not None:
            query_schema = ep.query.model_json_schema(by_alias=True)
            for name, field in ep.query.model_fields.items():
                alias = field.alias or name
                op["parameters"].append({
                    "name": alias, "in": "query", "required": field.is_required(),
                    "schema": query_schema["properties"].get(alias, {}),
                })
        if ep.body is not None:
            op["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": ref(ep.body, "validation")}}}
        success: dict[str, Any] = {"description": STATUS_TEXT.get(ep.status, "OK")}
        if ep.response is not None and ep.status != 204:
            if get_origin(ep.response) is list:
                (item,) = get_args(ep.response)
                body = {"type": "array", "items": ref(item, "serialization")}
            else:
                body = ref(ep.response, "serialization")
            success["content"] = {"application/json": {"schema": body}}
        elif ep.media != "application/json":
            success["content"] = {ep.media: {"schema": {"type": "string"}}}
        elif ep.status != 204:
            success["content"] = {"application/json": {"schema": {"type": "object"}}}
        op["responses"][str(ep.status)] = success
        if ep.permission is not None:
            for code, text in ERRORS.items():
                if code in BODY_ONLY and ep.body is None:
                    continue
                op["responses"][code] = {"description": text, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}}}
        paths.setdefault(path, {})[ep.method.lower()] = op
    components = schema.get("$defs", {})
    components["Error"] = {
        "type": "object", "required": ["error", "field"],
        "properties": {"error": {"type": "string"},
                       "field": {"type": ["string", "null"]},
                       "cause": {"type": "string",
                                 "enum": ["disk-full", "read-only", "io-error"]},
                       "details": {"type": "array", "items": {"type": "object"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Vesalius clinic API", "version": __version__,
                 "description": "Patients, cases, scheduling, notes, billing and claims. "
                                "Authenticate with `Authorization: Bearer <token>` "
                                "(`vesalius users token EMAIL`)."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"}}},
    }


@route("GET", "/openapi.json", permission=None, tag="meta")
def openapi(call: object) -> dict[str, Any]:
    """This document."""
    return document()
