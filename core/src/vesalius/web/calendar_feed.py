"""A practitioner's private calendar feed: the page to turn it on, renew or turn it off (the
URL is shown once, like a password), and the feed itself, opened by its token alone so a
phone's calendar can subscribe. The clinic decides whether events carry patients' initials
(off by default: a subscribed calendar lives on devices the clinic does not control)."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..errors import NotFound
from ..services import calendar_feed
from .context import actor, db
from .models import put_setting, setting
from .security import public, requires

bp = Blueprint("calendar_feed", __name__)

#: The web setting (owner) that lets feeds show patients' initials.
INITIALS_KEY = "calendar_feed_initials"


def initials_allowed() -> bool:
    return setting(db(), INITIALS_KEY) == "1"


def _page(url: str | None = None) -> str:
    me = actor()
    feed = calendar_feed.live(db(), me.practitioner_id) if me.practitioner_id else None
    return render_template("auth/calendar_feed.html", feed=feed, url=url,
                           initials=initials_allowed())


@bp.route("/account/calendar-feed")
@requires("calendar.feed")
def page() -> str:
    return _page()


@bp.route("/account/calendar-feed", methods=["POST"])
@requires("calendar.feed")
def turn_on() -> str:
    token = calendar_feed.turn_on(db(), actor())
    return _page(url_for("calendar_feed.feed", token=token, _external=True))


@bp.route("/account/calendar-feed/off", methods=["POST"])
@requires("calendar.feed")
def turn_off() -> Response:
    if calendar_feed.turn_off(db(), actor()):
        flash("Calendar feed turned off: its address no longer works.", "success")
    return redirect(url_for("calendar_feed.page"))


@bp.route("/admin/calendar-feeds")
@requires("settings.write")
def admin_page() -> str:
    return render_template("admin/calendar_feeds.html",
                           feeds=calendar_feed.live_feeds(db(), actor()),
                           initials=initials_allowed())


@bp.route("/admin/calendar-feeds/<int:practitioner_id>/revoke", methods=["POST"])
@requires("settings.write")
def revoke(practitioner_id: int) -> Response:
    if calendar_feed.revoke_for(db(), actor(), practitioner_id):
        flash("Feed turned off: its address no longer works.", "success")
    return redirect(url_for("calendar_feed.admin_page"))


@bp.route("/admin/calendar-feeds", methods=["POST"])
@requires("settings.write")
def set_initials() -> Response:
    value = "1" if request.form.get("initials") == "1" else "0"
    put_setting(db(), INITIALS_KEY, value)
    flash("Calendar feeds now show patients' initials." if value == "1"
          else "Calendar feeds show no patient details.", "success")
    return redirect(url_for("calendar_feed.admin_page"))


@bp.route("/feeds/calendar/<token>.ics")
@public
def feed(token: str) -> Response:
    """The feed; an unknown or revoked token is the same 404."""
    try:
        body = calendar_feed.render(db(), token, initials=initials_allowed(),
                                    host=request.host.split(":")[0] or "vesalius")
    except NotFound:
        return make_response(("No such calendar feed.\n", 404,
                              {"Content-Type": "text/plain; charset=utf-8"}))
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="appointments.ics"'
    response.headers["X-Robots-Tag"] = "noindex"
    return response
