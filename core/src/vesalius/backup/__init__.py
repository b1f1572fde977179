"""Backups: a consistent copy of the running clinic, compressed and optionally encrypted,
restored only into an empty database and then verified against the manifest it carries
(row counts, every signed note's SHA-256, balances per patient, the audit chain); the worker
takes them on a schedule to a folder or an S3-compatible store and prunes them by a
grandfather-father-son policy.

Modules: :mod:`.service` (take, restore), :mod:`.archive` (the file), :mod:`.crypto` (the
key, the encrypted format), :mod:`.manifest` (what is recorded and verified),
:mod:`.engines` (SQLite and PostgreSQL), :mod:`.policy` (retention), :mod:`.destinations`,
:mod:`.scheduled`, :mod:`.worker`, :mod:`.runs` (the record of runs), :mod:`.settings`.
"""

from .crypto import BackupKeyError, CorruptBackup
from .engines import BackupError
from .service import BackupResult, NotEmpty, RestoreResult, restore, take

__all__ = ["BackupError", "BackupKeyError", "BackupResult", "CorruptBackup", "NotEmpty",
           "RestoreResult", "restore", "take"]
