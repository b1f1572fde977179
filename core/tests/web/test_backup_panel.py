"""The administration page says when the clinic was last backed up, and warns when there is
no backup, the last one is more than a day old, or the last run failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from vesalius.models import BackupRun


def _run(db, hours_ago: float, ok: bool, error: str | None = None) -> None:  # type: ignore[no-untyped-def]
    when = datetime.now(UTC) - timedelta(hours=hours_ago)
    with db.session() as s:
        s.add(BackupRun(started_at=when, finished_at=when, trigger="worker",
                        destination="/srv/vesalius/backups/vesalius-20261204T023000Z.tar.gz.enc",
                        size_bytes=5 * 1048576, ok=ok, encrypted=True, error=error))


def test_backup_panel_on_the_admin_page(browser, db, kit):  # type: ignore[no-untyped-def]
    with db.session() as s:
        s.execute(delete(BackupRun))
    owner = browser("owner")
    page = owner.get("/admin/").get_data(as_text=True)
    assert "No backup has been taken yet" in page and 'role="alert"' in page

    _run(db, 30, True)
    page = owner.get("/admin/").get_data(as_text=True)
    assert "The last good backup is 30 hours old." in page
    assert "vesalius-20261204T023000Z.tar.gz.enc" in page and "5.0 MB, encrypted" in page

    _run(db, 2, False, error="OSError: [Errno 28] No space left on device")
    page = owner.get("/admin/").get_data(as_text=True)
    assert "The last backup failed: OSError: [Errno 28] No space left on device." in page

    _run(db, 1, True)
    owner.get("/admin/")
    with kit.QueryCounter(db) as counter:
        page = owner.get("/admin/").get_data(as_text=True)
    assert "Last good backup:" in page and 'class="flash flash-warning"' not in page
    assert counter.count <= 8  # the page's bound (test_pages.py) holds with the panel
    assert browser("front-desk").get("/admin/").status_code == 403
