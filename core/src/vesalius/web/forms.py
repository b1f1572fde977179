"""Form handling: HTML form data into the services' pydantic inputs, and errors back onto
the fields they name. Validation lives in the services' models, not here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import ServiceError

M = TypeVar("M", bound=BaseModel)


#: The message of a form refusal whose fields are marked on the form itself.
CHECK_FIELDS = "Please check the fields marked below."


class FormError(Exception):
    """Input the services refused; ``errors`` maps a field name to its message."""

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.message = message or CHECK_FIELDS


def clean(form: Mapping[str, Any], fields: Iterable[str], *, lists: Iterable[str] = (),
          booleans: Iterable[str] = ()) -> dict[str, Any]:
    """The named fields of a submitted form: blank text as None, checkboxes as booleans,
    multi-valued fields as lists. Only the named fields are taken (no mass assignment)."""
    out: dict[str, Any] = {}
    getlist = getattr(form, "getlist", None)
    for name in fields:
        if name in form:
            value = form.get(name)
            out[name] = value.strip() or None if isinstance(value, str) else value
    for name in lists:
        values = getlist(name) if getlist else form.get(name) or []
        out[name] = [v.strip() for v in values if v and v.strip()]
    for name in booleans:
        out[name] = form.get(name) in ("on", "true", "1", "yes")
    return out


def errors_of(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for item in exc.errors(include_url=False):
        field = ".".join(str(p) for p in item["loc"]) or "form"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "This field is required."
        errors.setdefault(field, message)
    return errors


def parse(model: type[M], data: Mapping[str, Any]) -> M:
    """Validate ``data`` with the service's input model; :class:`FormError` on failure."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise FormError(errors_of(exc)) from None


def summary(failure: FormError | ServiceError) -> str:
    """One sentence for a flash message: the refusal, then each field's own message that
    the refusal does not already say, the field in words ("paid amount: ...").

    A service refusal that names its field carries the same text as its field error, so
    joining the two blindly repeats it ("nothing to claim (invoice_id: nothing to claim)").
    """
    form = failure if isinstance(failure, FormError) else service_errors(failure)
    extra = [f"{_words(field)}: {text}" for field, text in form.errors.items()
             if text and text not in form.message]
    if not extra:
        return form.message
    if form.message == CHECK_FIELDS:  # a flash marks no field: say which ones instead
        return "; ".join(extra)
    return f"{form.message} ({'; '.join(extra)})"


def _words(field: str) -> str:
    """A form field's name as words: ``allocations.0.amount`` -> ``amount``."""
    last = [part for part in field.replace("[", ".").replace("]", "").split(".")
            if not part.isdigit()]
    return (last[-1] if last else field).replace("_id", "").replace("_", " ")


def service_errors(exc: ServiceError) -> FormError:
    """A service refusal as form errors: on its field when it names one."""
    errors = {str(d["field"]): str(d["message"]) for d in exc.details if d.get("field")}
    if exc.field and exc.field not in errors:
        errors[exc.field] = exc.message
    return FormError(errors, exc.message)
