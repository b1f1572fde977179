"""The client's address behind reverse proxies the clinic trusts.

``VESALIUS_TRUSTED_PROXIES`` (or the app setting of that name) is the number of proxies in
front of the app that each append the address they received from to ``X-Forwarded-For``
(and set ``X-Forwarded-Proto``). With 0, the default, those headers are ignored and the
socket's address is the client's: anyone can send ``X-Forwarded-For``, so it is believed
only as far as proxies the clinic runs. Werkzeug's ``ProxyFix`` reads the headers.
"""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

SETTING = "VESALIUS_TRUSTED_PROXIES"
MAX_HOPS = 10


def trusted_proxies(app: Flask) -> int:
    """The configured number of trusted proxy hops (0 to 10)."""
    raw = app.config.get(SETTING, os.environ.get(SETTING, "0"))
    try:
        hops = int(str(raw).strip() or "0")
    except ValueError:
        hops = -1
    if not 0 <= hops <= MAX_HOPS:
        raise ValueError(f"{SETTING} must be a whole number from 0 to {MAX_HOPS}, "
                         f"not {raw!r}")
    return hops


def trust_proxies(app: Flask) -> None:
    """Make ``request.remote_addr`` (and the scheme) the ones the trusted proxies saw."""
    hops = trusted_proxies(app)
    if hops and not getattr(app.wsgi_app, "vesalius_proxy_fix", False):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
        app.wsgi_app.vesalius_proxy_fix = True  # type: ignore[attr-defined]
