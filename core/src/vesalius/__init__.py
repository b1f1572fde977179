"""Vesalius: practice management and health records for allied-health clinics."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vesalius")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
