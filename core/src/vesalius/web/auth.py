"""Signing in and out, the TOTP second factor (optional, or required of owner and billing
accounts by the clinic: :mod:`vesalius.web.mfa`) with its recovery codes, and the user's own
account page (password, second factor, live sessions)."""

from __future__ import annotations

import base64
import io
import time

import pyotp
from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
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
from . import mfa as policy
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
#: Seconds between the password and the second step (setting a factor up takes longer).
CODE_WINDOW = 300
ENROL_WINDOW = 900


def _anonymous(user_id: int | None = None) -> Actor:
    return Actor(user_id=user_id, role="anonymous", ip=request.remote_addr,
                 user_agent=(request.user_agent.string or "")[:200] or None)


def _landing(user: User, target: object) -> str:
    if user.role in STAFF:
        return safe_next(target)
    # A patient goes to their portal, or back to the booking page that asked them to sign in.
    path = same_site_path(target)
    return path if path and path.startswith("/book/") else url_for("portal.home")


def _finish_login(user: User, device_id: int | None, target: object,
                  page: str | None = None) -> Response:
    """Sign ``user`` in: to ``target``, or showing ``page`` (new recovery codes) first."""
    session.login(user)  # type: ignore[attr-defined]
    user.last_login_at = utcnow()
    audit.record(db(), Actor(user_id=user.id, role=user.role, ip=request.remote_addr),
                 "login", "user", user.id, user.patient_id)
    throttle.forget_old(db())
    response = redirect(_landing(user, target)) if page is None else make_response(page)
    devices.issue(db(), response, user.id, replaces=device_id)
    return response


def _codes_page(codes: list[str], onward: str) -> str:
    return render_template("auth/recovery_codes.html", codes=codes, onward=onward)


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
            has_factor = db().get(UserMfa, user.id) is not None
            if has_factor or policy.must_enrol(db(), user):
                session.clear()
                session["mfa_user"] = user.id
                session["mfa_at"] = time.time()
                session["mfa_device"] = device_id
                session["next"] = target or ""
                return redirect(url_for("auth.login_totp" if has_factor
                                        else "auth.login_enrol"))
            return _finish_login(user, device_id, target)
    return render_template("auth/login.html", error=error, email=email,
                           next=target or ""), status


def _second_step(window: int) -> int | None:
    """The user who gave the right password within ``window`` seconds, if any."""
    user_id = session.get("mfa_user")
    if not user_id or time.time() - float(session.get("mfa_at", 0)) > window:
        session.pop("mfa_user", None)
        return None
    return int(user_id)


def _code_budget(user_id: int) -> tuple[str, str | None]:
    """The throttling key of this second step, and the refusal when its budget is spent
    (as for passwords: a trusted browser's failures count against that browser only)."""
    device_id = session.get("mfa_device")
    key = f"totp-device:{device_id}" if device_id else f"totp:{user_id}"
    wait = throttle.wait_for(db(), key, throttle.TOTP_BUDGET)
    if wait is None:
        return key, None
    return key, f"Too many wrong codes. Try again {throttle.in_minutes(wait)}."


def _wrong_code(key: str, user_id: int) -> None:
    throttle.record_failure(db(), key)
    audit.record(db(), _anonymous(user_id), "login", "user", user_id,
                 outcome="denied", detail="wrong second-factor code")


@bp.route("/login/code", methods=["GET", "POST"])
@public
def login_totp() -> str | Response | tuple[str, int]:
    user_id = _second_step(CODE_WINDOW)
    if user_id is None:
        flash("Sign in again.", "warning")
        return redirect(url_for("auth.login"))
    error = None
    status = 200
    if request.method == "POST":
        user = db().get(User, user_id)
        mfa = db().get(UserMfa, user_id)
        if user is None or mfa is None or not user.active:
            abort(400)
        key, error = _code_budget(user_id)
        code = request.form.get("code", "")
        if error is not None:
            status = 429
        elif accept_code(mfa, code):
            return _finish_login(user, session.get("mfa_device"), session.get("next"))
        elif (spent := policy.use_code(db(), user_id, code)) is not None:
            code_id, left = spent
            audit.record(db(), _anonymous(user_id), "use", "recovery-code", code_id, None,
                         detail=f"user {user_id}: {left} recovery codes left")
            response = _finish_login(user, session.get("mfa_device"), session.get("next"))
            # After the sign-in, which starts a new session (a flash before it is lost).
            flash(f"You signed in with a recovery code; {left} left. Make new ones on "
                  f"your account page when few are left.", "warning" if left < 4
                  else "success")
            return response
        else:
            _wrong_code(key, user_id)
            error, status = ("That code is not right. Use the current code of your app, or "
                             "one of your recovery codes."), 401
    return render_template("auth/login_totp.html", error=error), status


@bp.route("/login/enrol", methods=["GET", "POST"])
@public
def login_enrol() -> str | Response | tuple[str, int]:
    """The clinic requires a second factor of this account: set it up before going on."""
    user_id = _second_step(ENROL_WINDOW)
    if user_id is None:
        flash("Sign in again.", "warning")
        return redirect(url_for("auth.login"))
    user = db().get(User, user_id)
    if user is None or not user.active:
        abort(400)
    if db().get(UserMfa, user_id) is not None:  # set up meanwhile (another tab)
        return redirect(url_for("auth.login_totp"))
    secret = session.get("totp_setup")
    if not secret or request.method == "GET":
        secret = pyotp.random_base32(32)
        session["totp_setup"] = secret
    error, status = None, 200
    if request.method == "POST":
        key, error = _code_budget(user_id)
        candidate = UserMfa(user_id=user.id, secret=secret, last_step=0)
        if error is not None:
            status = 429
        elif accept_code(candidate, request.form.get("code", "")):
            db().add(candidate)
            codes = policy.issue_codes(db(), user.id)
            audit.record(db(), Actor(user_id=user.id, role=user.role, ip=request.remote_addr),
                         "update", "user", user.id, None,
                         detail="second factor on at sign-in (required by the clinic); "
                                f"{len(codes)} recovery codes made")
            target = session.get("next")
            return _finish_login(user, session.get("mfa_device"), target,
                                 page=_codes_page(codes, _landing(user, target)))
        else:
            _wrong_code(key, user_id)
            error, status = "That code is not right. Type the code your app shows now.", 401
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return render_template("auth/totp_setup.html", secret=secret, qr=_qr_data_uri(uri),
                           error=error, enrol=True), status


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
    mfa = db().get(UserMfa, user.id)
    return render_template("auth/account.html", user=user, sessions=live,
                           this_session=getattr(session, "row_id", None),
                           trusted_browsers=devices.live_count(db(), user.id),
                           mfa=mfa, min_password=MIN_PASSWORD,
                           recovery_left=policy.remaining(db(), user.id) if mfa else 0,
                           mfa_required=policy.required_of(db(), user))


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
            codes = policy.issue_codes(db(), user.id)
            ended = end_user_sessions(db(), user.id, "mfa-changed",
                                      keep=getattr(session, "row_id", None))
            audit.record(db(), actor(), "update", "user", user.id, None,
                         detail=f"second factor on; {len(codes)} recovery codes made; "
                                f"{ended} other sessions ended")
            flash("Second factor is on. You will be asked for a code when you sign in.",
                  "success")
            return _codes_page(codes, url_for("auth.account"))
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
    if policy.required_of(db(), user):
        flash("The clinic requires a second factor for your role; it stays on.", "error")
        return redirect(url_for("auth.account"))
    if not (check_password(db().get(User, user.id),  # type: ignore[arg-type]
                           request.form.get("password") or "")
            and accept_code(mfa, request.form.get("code", ""))):
        flash("Your password or the code is not right; the second factor stays on.", "error")
        return redirect(url_for("auth.account"))
    policy.remove(db(), user.id)
    audit.record(db(), actor(), "update", "user", user.id, None, detail="second factor off")
    flash("Second factor is off.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/recovery-codes", methods=["POST"])
@signed_in
def new_recovery_codes() -> str | Response:
    """Ten new recovery codes (the old ones stop working), for the current TOTP code."""
    user = current_user()
    assert user is not None
    mfa = db().get(UserMfa, user.id)
    if mfa is None:
        return redirect(url_for("auth.account"))
    key = f"totp:{user.id}"
    wait = throttle.wait_for(db(), key, throttle.TOTP_BUDGET)
    if wait is not None:
        flash(f"Too many wrong codes. Try again {throttle.in_minutes(wait)}.", "error")
        return redirect(url_for("auth.account"))
    if not accept_code(mfa, request.form.get("code", "")):
        throttle.record_failure(db(), key)
        audit.record(db(), actor(), "update", "user", user.id, None, outcome="denied",
                     detail="recovery codes not made: wrong second-factor code")
        flash("That code is not right; your recovery codes are unchanged.", "error")
        return redirect(url_for("auth.account"))
    codes = policy.issue_codes(db(), user.id)
    audit.record(db(), actor(), "update", "user", user.id, None,
                 detail=f"{len(codes)} new recovery codes; the old ones no longer work")
    return _codes_page(codes, url_for("auth.account"))
