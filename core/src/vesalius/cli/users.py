"""``vesalius users``: accounts and API tokens."""

from __future__ import annotations

import sys

import click
from pydantic import ValidationError
from sqlalchemy import select

from ..db import Database
from ..db.migrate import ensure_schema
from ..errors import ServiceError
from ..models import ApiToken, User
from ..permissions import ROLES
from ..services import Actor, users
from .output import emit_json, emit_table, fail

_database = click.option("--database", "url", metavar="URL",
                         help="Database URL (default: VESALIUS_DATABASE_URL, else "
                              "./vesalius.sqlite3).")


def _db(url: str | None) -> Database:
    db = Database(url)
    ensure_schema(db.engine)
    return db


@click.group("users")
def command() -> None:
    """Accounts (owner, front desk, practitioner, billing, patient) and API tokens."""


@command.command("create")
@click.argument("email")
@click.option("--role", required=True, help=f"One of: {', '.join(ROLES)}.")
@click.option("--name", default="", help="Name shown in the app (default: the e-mail).")
@click.option("--discipline", "disciplines", multiple=True,
              help="A practitioner's discipline (repeat for several): makes the practitioner "
                   "record (an owner given one treats and signs notes).")
@click.option("--patient-id", type=int, help="For --role patient: their patient record.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_database
def create(email: str, role: str, name: str, disciplines: tuple[str, ...],
           patient_id: int | None, password_stdin: bool, url: str | None) -> None:
    """Create a user (and, for a practitioner or an owner who treats, their practitioner
    record)."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    db = _db(url)
    try:
        with db.session() as session:
            user = users.create_user(session, Actor.system("cli"), users.UserIn(
                email=email, role=role, name=name, password=password or None,
                disciplines=list(disciplines), patient_id=patient_id))
            practitioner = user.practitioner
            click.echo(f"created {user.role} {user.email} (user {user.id}"
                       + (f", practitioner {practitioner.id}" if practitioner else "") + ")")
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        fail(f"{'.'.join(str(p) for p in first['loc'])}: "
             f"{first['msg'].removeprefix('Value error, ')}")
    except ServiceError as exc:
        fail(exc.message)
    finally:
        db.dispose()


@command.command("treat")
@click.argument("email")
@click.option("--discipline", "disciplines", multiple=True, required=True,
              help="A discipline they practise (repeat for several).")
@_database
def treat(email: str, disciplines: tuple[str, ...], url: str | None) -> None:
    """Give EMAIL a practitioner record: an owner who treats (they sign their own notes)."""
    db = _db(url)
    try:
        with db.session() as session:
            practitioner = users.add_practitioner_record(
                session, Actor.system("cli"), users.by_email(session, email),
                list(disciplines))
            click.echo(f"{email} treats: practitioner {practitioner.id} "
                       f"({', '.join(practitioner.disciplines)})")
    except ServiceError as exc:
        fail(exc.message)
    finally:
        db.dispose()


@command.command("token")
@click.argument("email")
@click.option("--name", default="cli", help="A label for the token.")
@_database
def token(email: str, name: str, url: str | None) -> None:
    """Print a new API token for EMAIL (shown once; stored hashed)."""
    db = _db(url)
    try:
        with db.session() as session:
            from ..web.mfa import token_refusal

            user = users.by_email(session, email)
            refusal = token_refusal(session, user)
            if refusal is not None:
                fail(refusal)
            value = users.issue_token(session, Actor.system("cli"), user, name=name)
        click.echo(value)
    except ServiceError as exc:
        fail(exc.message)
    finally:
        db.dispose()


@command.command("revoke")
@click.argument("email")
@_database
def revoke(email: str, url: str | None) -> None:
    """Revoke every token of EMAIL."""
    db = _db(url)
    try:
        with db.session() as session:
            count = users.revoke_tokens(session, Actor.system("cli"),
                                        users.by_email(session, email))
        click.echo(f"revoked {count} token(s)")
    except ServiceError as exc:
        fail(exc.message)
    finally:
        db.dispose()


@command.command("password")
@click.argument("email")
@_database
def password(email: str, url: str | None) -> None:
    """Set EMAIL's password from standard input."""
    value = sys.stdin.readline().rstrip("\r\n")
    db = _db(url)
    try:
        with db.session() as session:
            users.set_password(session, Actor.system("cli"), users.by_email(session, email),
                               value)
        click.echo("password set")
    except ServiceError as exc:
        fail(exc.message)
    finally:
        db.dispose()


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@_database
def list_users(as_json: bool, url: str | None) -> None:
    """List users with their role and live tokens."""
    db = _db(url)
    with db.session() as session:
        live: dict[int, int] = {}
        for user_id in session.scalars(select(ApiToken.user_id)
                                       .where(ApiToken.revoked_at.is_(None))):
            live[user_id] = live.get(user_id, 0) + 1
        rows = [{"id": u.id, "email": u.email, "role": u.role, "name": u.name,
                 "active": u.active, "tokens": live.get(u.id, 0)}
                for u in session.scalars(select(User).order_by(User.id))]
    db.dispose()
    if as_json:
        emit_json(rows)
    else:
        emit_table(["ID", "EMAIL", "ROLE", "NAME", "ACTIVE", "TOKENS"],
                   [list(r.values()) for r in rows])
