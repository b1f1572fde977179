"""Plain-Python services: the clinic's behaviour, used by the JSON API and the web pages.

Every service function takes a SQLAlchemy ``Session`` and an :class:`Actor` (who is asking,
from where), checks the actor's permission and patient scope, does its work, and writes the
audit log. Nothing here commits: the caller's unit of work does (``Database.session()``).
"""

from .actor import Actor

__all__ = ["Actor"]
