"""Web additions a pack may make to the clinic's web app.

The SDK does not depend on Flask: a :class:`WebAddition` holds the pack's Flask blueprint as
an opaque object, and the host checks and mounts it. Blueprint names, URL prefixes,
templates and static files are namespaced by the pack name.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from ._base import Frozen, Label


class WebAddition(Frozen):
    """A Flask blueprint named after the pack, mounted under ``/packs/<pack>/``.

    The blueprint's own ``templates/`` must hold its templates under a folder named after the
    pack (``templates/physio/home_programme.html``) and ``static/`` is served at
    ``/packs/<pack>/static/``. ``menu`` adds links to the staff menu: ``{label: endpoint}``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    blueprint: Any
    menu: dict[str, str] = Field(default_factory=dict)
    title: Label | None = None
