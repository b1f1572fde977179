"""The command line (db, users, demo) and the demo seeds, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner
from sqlalchemy import func, select
from vesalius.cli import main
from vesalius.db import Database
from vesalius.demo import bulk_seed, seed_demo
from vesalius.models import ApiToken, Appointment, Invoice, Note, Practitioner, User
from vesalius.services import Actor, reports, users


def test_users_create_and_token(db_url: str) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["db", "upgrade", "--database", db_url])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["users", "create", "ana@clinic.test", "--role", "practitioner",
                                  "--discipline", "rehab", "--password-stdin",
                                  "--database", db_url], input="correct horse battery\n")
    assert result.exit_code == 0, result.output
    assert "practitioner 1" in result.output
    result = runner.invoke(main, ["users", "create", "x@clinic.test", "--role", "wizard",
                                  "--database", db_url])
    assert result.exit_code == 2 and "unknown role" in result.output
    result = runner.invoke(main, ["users", "token", "ana@clinic.test", "--database", db_url])
    assert result.exit_code == 0
    token = result.output.strip()
    assert token.startswith("vsl_")
    db = Database(db_url)
    with db.session() as s:
        user = s.scalar(select(User).where(User.email == "ana@clinic.test"))
        assert user.password_hash.startswith("$argon2id$")
        assert users.check_password(user, "correct horse battery")
        assert s.scalar(select(Practitioner.disciplines)) == ["rehab"]
        stored = s.scalar(select(ApiToken.token_hash))
        assert token not in stored  # only the hash is kept
        assert users.actor_for_token(s, token).practitioner_id == 1
    db.dispose()
    result = runner.invoke(main, ["users", "revoke", "ana@clinic.test", "--database", db_url])
    assert "revoked 1" in result.output


def test_demo_seed_through_the_services(db: Database) -> None:
    db.upgrade()
    counts = seed_demo(db, patients_count=30, days_back=7, days_ahead=3, per_day=4,
                       today=date(2026, 3, 11))
    assert counts["patients"] == 30 and counts["appointments"] > 50
    assert counts["signed notes"] > 20 and counts["invoices"] >= counts["signed notes"] - 1
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Note)
                        .where(Note.status == "signed")) == counts["signed notes"]
        work = reports.ready_to_bill(s, Actor.system("tests"))
        assert work, "recent visits wait on the worklist"


def test_bulk_seed_makes_consistent_data(db: Database) -> None:
    db.upgrade()
    counts = bulk_seed(db, appointments=2000, today=date(2026, 3, 11))
    assert 1800 <= counts["appointments"] <= 2300
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == counts["appointments"]
        completed = s.scalar(select(func.count()).select_from(Appointment)
                             .where(Appointment.status == "completed"))
        assert s.scalar(select(func.count()).select_from(Invoice)) == completed
        assert reports.ready_to_bill(s, Actor.system("tests"), limit=50)


def test_demo_is_ready_to_serve_before_its_patients_and_visits(db: Database) -> None:
    """``vesalius demo`` serves once ``ready`` is called: the staff and their logins are
    committed then, the patients and visits not yet; ``between`` follows each later commit
    (where the background seed pauses for the server's writes)."""
    from vesalius.models import Patient

    db.upgrade()
    seen: list[tuple[int, int, int]] = []
    pauses = []

    def ready() -> None:
        other = Database(db.url)  # another connection: only what is committed
        with other.session() as s:
            seen.append((s.scalar(select(func.count()).select_from(User)),
                         s.scalar(select(func.count()).select_from(Patient)),
                         s.scalar(select(func.count()).select_from(Appointment))))
        other.dispose()

    seed_demo(db, patients_count=12, days_back=4, days_ahead=1, per_day=2,
              today=date(2026, 3, 11), ready=ready, between=lambda: pauses.append(1))
    assert len(seen) == 1
    users_then, patients_then, appointments_then = seen[0]
    assert users_then >= 4 and patients_then == 0 and appointments_then == 0
    workdays = 4  # 2026-03-07 (a Saturday) .. 2026-03-12: Monday to Thursday
    assert len(pauses) == 1 + workdays
