"""What an import run did, or would do (a dry run): counts, every bad row, ignored columns."""

from __future__ import annotations

from dataclasses import dataclass, field

from .rows import RowError


@dataclass
class ImportReport:
    kind: str
    preset: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "would create" if self.dry_run else "created"
        if not self.ok:
            return (f"{len(self.errors)} problems in {self.rows} rows: nothing was "
                    "imported. Correct the file and run again.")
        return (f"{self.rows} rows: {verb} {self.created}, "
                f"{'would update' if self.dry_run else 'updated'} {self.updated}, "
                f"{self.unchanged} unchanged" + (" (dry run: nothing was written)"
                                                 if self.dry_run else ""))
