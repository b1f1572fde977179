"""The clinic's enabled packs: installed packs minus those the clinic switched off.

Switching a pack off rebuilds the registry without it (its templates, charts and measures
leave the editor; notes signed with it stay readable from their stored snapshot). Each
worker re-reads the settings at most every few seconds, so a change made in one worker
reaches the others without a restart.
"""

from __future__ import annotations

import os
import threading
import time

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..plugins import Registry, build_registry, get_registry, set_registry
from ..services import audit
from ..services.actor import Actor
from .models import PackSetting

RECHECK_SECONDS = 5.0
_lock = threading.Lock()


def switched_off(session: Session) -> set[str]:
    return set(session.scalars(select(PackSetting.pack).where(PackSetting.enabled.is_(False))))


def _stamp(session: Session) -> tuple[object, int]:
    row = session.execute(select(func.max(PackSetting.changed_at), func.count())
                          .select_from(PackSetting)).one()
    return (row[0], row[1])


def clinic_registry() -> Registry:
    """The registry this clinic runs on (cached; re-checked every few seconds)."""
    from .context import db, state

    web = state()
    now = time.monotonic()
    recheck = current_app.config.get("VESALIUS_PACKS_RECHECK_SECONDS", RECHECK_SECONDS)
    if web.registry is not None and now - web.extras.get("packs_checked", float("-inf")) < recheck:
        return web.registry
    with _lock:
        stamp = _stamp(db())
        web.extras["packs_checked"] = now
        if web.registry is not None and stamp == web.registry_stamp:
            return web.registry
        base = installed_registry()
        off = switched_off(db()) & set(base.enabled)
        registry = build_registry(disabled=tuple(sorted(off | _env_off()))) if off else base
        set_registry(registry)  # the services ask get_registry(): the same packs there
        web.registry = registry
        web.registry_stamp = stamp
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
    """Make the next request re-read the settings (after a change in this worker)."""
    from .context import state

    web = state()
    web.extras["packs_checked"] = float("-inf")
    web.registry_stamp = None
