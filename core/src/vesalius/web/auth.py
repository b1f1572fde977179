"""Signing in and out, the optional TOTP second factor, and the user's own account page
(password, second factor, live sessions)."""

from __future__ import annotations

import base64
import io
import time

import pyotp
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..db.types import utcnow
from ..errors import Unauthorized
from ..models import User
from ..permissions import STAFF
from ..services import audit
from ..services.actor import Actor
from ..services.users import MIN_PASSWORD, authenticate, check_password, hash_password
from . import devices, throttle
from .context import actor, current_user, db
from .models import UserMfa, WebSession
from .proxies import trust_proxies
from .redirects import safe_next, same_site_path
from .security import public, signed_in
from .sessions import end_user_sessions

bp = Blueprint("auth", __name__)
#: The client address counts toward throttling: believe X-Forwarded-For only as far as the
#: clinic's own proxies (set up once, when this blueprint joins the app).
bp.record_once(lambda state: trust_proxies(state.app))

ISSUER = "Vesalius"


def _anonymous(user_id: int | None = None) -> Actor:
    return Actor(user_id=user_id, role="anonymous", ip=request.remote_addr,
                 user_agent=(request.user_agent.string or "")[:200] or None)


def _finish_login(user: User, device_id: int | None, target: object) -> Response:
    session.login(user)  # type: ignore[attr-defined]
    user.last_login_at = utcnow()
    audit.record(db(), Actor(user_id=user.id, role=user.role, ip=request.remote_addr),
                 "login", "user", user.id, user.patient_id)
    throttle.forget_old(db())
    response = redirect(safe_next(target) if user.role in STAFF
                        else url_for("portal.home"))
    devices.issue(db(), response, user.id, replaces=device_id)
    return response


def _trusted_device(email: str) -> int | None:
    """This browser's device record for ``email`` while it has failures to spare."""
    device = devices.recognise(db(), email)
    if device is None or throttle.wait_for(db(), f"device:{device.id}",
                                           throttle.DEVICE_BUDGET) is not None:
        return None
    return device.id


def _refused(refusal: throttle.Refusal, email: str) -> tuple[str, int, dict[str, str]]:
    audit.record(db(), _anonymous(), "login", "user", outcome="denied",
                 detail="rate limited")
    page = render_template("auth/login.html", error=refusal.message, email=email,
                           next=same_site_path(request.values.get("next")) or "")
    return page, 429, {"Retry-After": str(refusal.seconds)}


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    if current_user() is not None and request.method == "GET":
        return redirect(url_for("web.home"))
    error = None
    status = 200
    email = (request.form.get("email") or "").strip().lower()[:254]
    target = same_site_path(request.values.get("next"))
    if request.method == "POST":
        device_id = _trusted_device(email)
        if device_id is None:  # only untrusted browsers are held back by the budgets
            refusal = throttle.untrusted_refusal(db(), email, request.remote_addr)
            if refusal is not None:
                return _refused(refusal, email)
        try:
            user = authenticate(db(), email, request.form.get("password") or "")
        except Unauthorized:
            throttle.record_failure(db(), f"ip:{request.remote_addr}",
                                    f"device:{device_id}" if device_id is not None
                                    else f"email:{email}")
            audit.record(db(), _anonymous(), "login", "user", outcome="denied",
                         detail="wrong e-mail or password")
            error, status = "Wrong e-mail or password.", 401
        else:
            if db().get(UserMfa, user.id) is not None:
                session.clear()
                session["mfa_user"] = user.id
                session["mfa_at"] = time.time()
                session["mfa_device"] = device_id
                session["next"] = target or ""
                return redirect(url_for("auth.login_totp"))
            return _finish_login(user, device_id, target)
    return render_template("auth/login.html", error=error, email=email,
                           next=target or ""), status


@bp.route("/login/code", methods=["GET", "POST"])
@public
def login_totp() -> str | Response:
    user_id = session.get("mfa_user")
    if not user_id or time.time() - float(session.get("mfa_at", 0)) > 300:
        session.pop("mfa_user", None)
        flash("Sign in again.", "warning")
        return redirect(url_for("auth.login"))
    error = None
    status = 200
    if request.method == "POST":
        device_id = session.get("mfa_device")
        key = f"totp-device:{device_id}" if device_id else f"totp:{user_id}"
        user = db().get(User, user_id)
        mfa = db().get(UserMfa, user_id)
        if user is None or mfa is None or not user.active:
            abort(400)
        wait = throttle.wait_for(db(), key, throttle.TOTP_BUDGET)
        if wait is not None:
            error = f"Too many wrong codes. Try again {throttle.in_minutes(wait)}."
            status = 429
        elif accept_code(mfa, request.form.get("code", "")):
            return _finish_login(user, device_id, session.get("next"))
        else:
            throttle.record_failure(db(), key)
            audit.record(db(), _anonymous(user.id), "login", "user", user.id,
                         outcome="denied", detail="wrong second-factor code")
            error, status = "That code is not right. Use the current code of your app.", 401
    return render_template("auth/login_totp.html", error=error), status


def accept_code(mfa: UserMfa, code: str) -> bool:
    """A current TOTP code (one step of clock drift allowed), never the same step twice."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(mfa.secret)
    now = time.time()
    step_now = totp.timecode(utcnow())
    for drift in (0, -1, 1):
        step = step_now + drift
        if step > mfa.last_step and totp.at(now + drift * totp.interval) == code:
            mfa.last_step = step
            return True
    return False


@bp.route("/logout", methods=["POST"])
@signed_in
def logout() -> Response:
    user = current_user()
    assert user is not None
    audit.record(db(), actor(), "logout", "user", user.id, user.patient_id)
    session.logout()  # type: ignore[attr-defined]
    flash("You are signed out.", "success")
    return redirect(url_for("auth.login"))


# -- the user's own account ------------------------------------------------------------


@bp.route("/account")
@signed_in
def account() -> str:
    user = current_user()
    assert user is not None
    now = utcnow()
    live = list(db().scalars(
        select(WebSession).where(WebSession.user_id == user.id,
                                 WebSession.revoked_at.is_(None),
                                 WebSession.expires_at > now)
        .order_by(WebSession.last_seen_at.desc()).limit(50)))
    return render_template("auth/account.html", user=user, sessions=live,
                           this_session=getattr(session, "row_id", None),
                           trusted_browsers=devices.live_count(db(), user.id),
                           mfa=db().get(UserMfa, user.id), min_password=MIN_PASSWORD)


@bp.route("/account/password", methods=["POST"])
@signed_in
def change_password() -> Response:
    user = current_user()
    assert user is not None
    user = db().get(User, user.id)
    assert user is not None
    new = request.form.get("new_password") or ""
    if not check_password(user, request.form.get("current_password") or ""):
        flash("Your current password is not right.", "error")
    elif len(new) < MIN_PASSWORD or len(new) > 1000:
        flash(f"A password has {MIN_PASSWORD} to 1000 characters.", "error")
    elif new != request.form.get("confirm_password"):
        flash("The two new passwords differ.", "error")
    else:
        user.password_hash = hash_password(new)
        ended = end_user_sessions(db(), user.id, "password-changed",
                                  keep=getattr(session, "row_id", None))
        audit.record(db(), actor(), "update", "user", user.id, user.patient_id,
                     detail=f"own password changed; {ended} other sessions ended")
        flash("Password changed. Your other sessions were signed out.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@signed_in
def end_other_sessions() -> Response:
    user = current_user()
    assert user is not None
    ended = end_user_sessions(db(), user.id, "ended-by-user",
                              keep=getattr(session, "row_id", None))
    audit.record(db(), actor(), "revoke", "web-session", None, user.patient_id,
                 detail=f"{ended} other sessions")
    flash(f"Signed out {ended} other session(s).", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/browsers/forget", methods=["POST"])
@signed_in
def forget_browsers() -> Response:
    """Withdraw every device cookie of the user (a lost laptop, a shared computer)."""
    user = current_user()
    assert user is not None
    forgotten = devices.forget(db(), user.id, "forgotten-by-user")
    audit.record(db(), actor(), "revoke", "trusted-browser", None, user.patient_id,
                 detail=f"{forgotten} trusted browsers")
    flash(f"Forgot {forgotten} trusted browser(s).", "success")
    return redirect(url_for("auth.account"))


def _qr_data_uri(uri: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@bp.route("/account/code", methods=["GET", "POST"])
@signed_in
def totp_setup() -> str | Response:
    """Turn on the second factor: scan, then confirm one code (re-authenticated by it)."""
    user = current_user()
    assert user is not None
    if user.role not in STAFF:
        abort(404)
    if db().get(UserMfa, user.id) is not None:
        return redirect(url_for("auth.account"))
    secret = session.get("totp_setup")
    if not secret or request.method == "GET":
        secret = pyotp.random_base32(32)
        session["totp_setup"] = secret
    error = None
    if request.method == "POST":
        candidate = UserMfa(user_id=user.id, secret=secret, last_step=0)
        if check_password(db().get(User, user.id),  # type: ignore[arg-type]
                          request.form.get("password") or "") and accept_code(
                candidate, request.form.get("code", "")):
            db().add(candidate)
            session.pop("totp_setup", None)
            ended = end_user_sessions(db(), user.id, "mfa-changed",
                                      keep=getattr(session, "row_id", None))
            audit.record(db(), actor(), "update", "user", user.id, None,
                         detail=f"second factor on; {ended} other sessions ended")
            flash("Second factor is on. You will be asked for a code when you sign in.",
                  "success")
            return redirect(url_for("auth.account"))
        error = "Your password or the code is not right."
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return render_template("auth/totp_setup.html", secret=secret, qr=_qr_data_uri(uri),
                           error=error)


@bp.route("/account/code/off", methods=["POST"])
@signed_in
def totp_off() -> Response:
    user = current_user()
    assert user is not None
    mfa = db().get(UserMfa, user.id)
    if mfa is None:
        return redirect(url_for("auth.account"))
    if not (check_password(db().get(User, user.id),  # type: ignore[arg-type]
                           request.form.get("password") or "")
            and accept_code(mfa, request.form.get("code", ""))):
        flash("Your password or the code is not right; the second factor stays on.", "error")
        return redirect(url_for("auth.account"))
    db().delete(mfa)
    audit.record(db(), actor(), "update", "user", user.id, None, detail="second factor off")
    flash("Second factor is off.", "success")
    return redirect(url_for("auth.account"))
