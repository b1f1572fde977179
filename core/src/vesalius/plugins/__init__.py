"""The plugin host: finds discipline packs, checks them, and serves their contributions.

``get_registry()`` is what the rest of the core uses; it builds the registry once, lazily
(importing ``vesalius`` loads no pack), honouring ``VESALIUS_STRICT_PLUGINS=1`` and
``VESALIUS_DISABLED_PLUGINS=a,b``. When the app opens the clinic's database,
:func:`vesalius.plugins.memory.open_clinic` rebuilds it with the clinic's memory of its packs
(which pack keeps an id two packs claim).
"""

from __future__ import annotations

import threading

from .build import PluginLoadError, build_registry
from .loading import DEFAULT_PLUGINS, ENTRY_POINT_GROUP
from .registry import PackError, PackInfo, Registry

__all__ = [
    "DEFAULT_PLUGINS", "ENTRY_POINT_GROUP", "PackError", "PackInfo", "PluginLoadError",
    "Registry", "build_registry", "get_registry", "reset_registry", "set_registry",
]

_lock = threading.Lock()
_registry: Registry | None = None
#: Whether ``_registry`` was built here (not given by ``set_registry``).
_built = False


def get_registry() -> Registry:
    """The process's registry, built on first use."""
    global _registry, _built
    if _registry is None:
        with _lock:
            if _registry is None:
                _registry, _built = build_registry(), True
    return _registry


def set_registry(registry: Registry | None) -> None:
    """Use ``registry`` from now on (an app configured with chosen packs, a test)."""
    global _registry, _built
    with _lock:
        _registry, _built = registry, False


def _rebuild_with_memory() -> None:
    """Build the registry again with the clinic's memory, unless one was set explicitly."""
    global _registry, _built
    with _lock:
        if _registry is None or _built:
            _registry, _built = build_registry(), True


def reset_registry() -> None:
    """Forget the registry; the next ``get_registry()`` builds it again."""
    set_registry(None)
