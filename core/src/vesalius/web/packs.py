"""The clinic's enabled packs: installed packs minus those the clinic switched off.

Switching a pack off rebuilds the registry without it (its templates, charts and measures
leave the editor; notes signed with it stay readable from their stored snapshot). A switch
made through one worker reaches every other worker, on any host, at its next request,
without a restart: the switches' table has a cache version (see :mod:`..services.cache`).
"""

from __future__ import annotations

import os
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..plugins import Registry, build_registry, get_registry, set_registry
from ..services import audit, cache
from ..services.actor import Actor
from .models import PackSetting

_lock = threading.Lock()


def switched_off(session: Session) -> set[str]:
    return set(session.scalars(select(PackSetting.pack).where(PackSetting.enabled.is_(False))))


def clinic_registry() -> Registry:
    """The registry this clinic runs on: rebuilt when the set of packs switched off changes,
    which every worker learns at its next request (the switches are cached with
    :mod:`vesalius.services.cache`: one version read per request, shared with the page)."""
    from .context import db, state

    web = state()
    session = db()
    base = installed_registry()
    off = cache.cached(session, "web.packs-off", ("web_pack_settings",),
                       lambda: frozenset(switched_off(session)))
    off = frozenset(off & set(base.enabled))
    if web.registry is not None and off == web.registry_stamp:
        return web.registry
    with _lock:
        registry = build_registry(disabled=tuple(sorted(off | _env_off()))) if off else base
        set_registry(registry)  # the services ask get_registry(): the same packs there
        web.registry = registry
        web.registry_stamp = off
        return registry


def installed_registry() -> Registry:
    """Every installed pack, before the clinic's own switches (for the admin page)."""
    from .context import state

    web = state()
    base = web.extras.get("base_registry")
    if base is None:
        base = web.extras["base_registry"] = get_registry()
    return base  # type: ignore[no-any-return]


def installed_registry_for(app: object) -> Registry:
    """:func:`installed_registry` outside a request (while the app is set up)."""
    web = app.extensions["vesalius.web"]  # type: ignore[attr-defined]
    base = web.extras.get("base_registry")
    if base is None:
        base = web.extras["base_registry"] = get_registry()
    return base  # type: ignore[no-any-return]


def _env_off() -> set[str]:
    return {p.strip() for p in os.environ.get("VESALIUS_DISABLED_PLUGINS", "").split(",")
            if p.strip()}


def set_enabled(session: Session, actor: Actor, pack: str, enabled: bool,
                reason: str | None = None) -> None:
    """Switch an installed pack on or off for the clinic (owner only)."""
    actor.require("settings.write")
    row = session.get(PackSetting, pack)
    if row is None:
        row = PackSetting(pack=pack)
        session.add(row)
    row.enabled = enabled
    row.changed_at = utcnow()
    row.changed_by = actor.user_id
    row.reason = (reason or "")[:200] or None
    session.flush()
    audit.record(session, actor, "enable" if enabled else "disable", "pack", None, None,
                 detail=pack)


def forget() -> None:
    """Rebuild the registry at the next look (after a change in this worker's request)."""
    from .context import state

    state().registry_stamp = None
