"""Rendering a message kind's templates in Jinja's sandbox: a clinic edits these templates
in the admin, so a template may read the variables it is given and nothing else (no
attribute walking to Python internals), and a misspelt variable is an error, not a blank."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict

from .kinds import MessageKind

# Plain text out (e-mail text part, SMS): nothing to escape.
_env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined,
                            keep_trailing_newline=False, trim_blocks=True,
                            lstrip_blocks=True)


class Rendered(BaseModel):
    model_config = ConfigDict(frozen=True)

    subject: str
    text: str
    sms: str | None = None


class TemplateProblem(ValueError):
    """A template that does not render; ``field`` names which one (subject, text, sms)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


# Compiled once per template text: a booking renders the same few templates again and again.
_compile = lru_cache(maxsize=512)(_env.from_string)


def render_one(field: str, source: str, context: Mapping[str, Any]) -> str:
    try:
        return _compile(source).render(**context).strip()
    except TemplateError as exc:  # syntax, undefined variable, sandbox refusal
        raise TemplateProblem(field, str(exc) or type(exc).__name__) from None
    except Exception as exc:  # a clinic's arithmetic or filter on a value that breaks it
        raise TemplateProblem(field, f"{type(exc).__name__}: {exc}") from None


def render(kind: MessageKind, context: Mapping[str, Any],
           overrides: Mapping[str, str] | None = None) -> Rendered:
    """Render ``kind`` with ``context``; ``overrides`` maps "subject", "text" or "sms" to
    the clinic's own template for that part."""
    parts = {"subject": kind.subject, "text": kind.text, "sms": kind.sms,
             **(overrides or {})}
    return Rendered(
        subject=render_one("subject", parts["subject"], context).replace("\n", " "),
        text=render_one("text", parts["text"], context),
        sms=render_one("sms", parts["sms"], context) if parts["sms"] else None,
    )
