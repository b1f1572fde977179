"""Where a request may send the browser next: only a path on this site (no open redirect,
OWASP "Unvalidated Redirects and Forwards").

Every redirect target that comes from the request (``next=``) passes :func:`safe_next`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for

MAX_TARGET = 2000


def same_site_path(target: object) -> str | None:
    """``target`` when it is a path on this site, else ``None``.

    Refused: anything not starting with exactly one ``/`` (schemes such as ``https:`` or
    ``javascript:``, protocol-relative ``//host``), any backslash (browsers read ``/\\host``
    as ``//host``), and any control or non-printing character: browsers drop tabs and
    newlines from URLs, so ``/<TAB>/evil.example`` would become ``//evil.example``.
    """
    if not isinstance(target, str) or not target or len(target) > MAX_TARGET:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or not target.isprintable():
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def safe_next(target: object) -> str:
    """A same-site path to go to, falling back to the home page."""
    return same_site_path(target) or url_for("web.home")
