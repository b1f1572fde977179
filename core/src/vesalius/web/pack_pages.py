"""Packs' own pages (``register_web_additions``), mounted under ``/packs/<pack>/``.

They pass the same gate as the core's pages: signed in, staff, and the practitioner
permission unless the blueprint sets ``vesalius_permission``; a pack the clinic switched
off answers 404.
"""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger("vesalius.web")


def mount_pack_blueprints(app: Flask) -> None:
    from .packs import installed_registry_for

    registry = installed_registry_for(app)
    for pack, addition in registry.web_additions:
        blueprint = addition.blueprint
        if getattr(blueprint, "name", None) != pack:
            log.error("pack %r: its blueprint must be named %r; not mounted", pack, pack)
            continue
        blueprint.vesalius_pack = True
        try:
            app.register_blueprint(blueprint, url_prefix=f"/packs/{pack}")
        except Exception as exc:  # a pack's web addition must not stop the clinic
            log.error("pack %r: blueprint not mounted: %s", pack, type(exc).__name__)
            continue
        app.extensions["vesalius.web"].extras.setdefault("pack_menu", []).extend(
            (pack, label, endpoint) for label, endpoint in addition.menu.items())
