"""The outbox page (owner): what the clinic's messages are doing (counts by status), the
rows of one status or channel (kind, channel, recipient, subject, when, attempts, the last
error: never the body), re-queueing a failed message or one a stopped worker left
"sending", cancelling one still pending. The rules are :mod:`vesalius.messaging.manage`'s."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..messaging import kinds, manage
from ..models.messages import CHANNELS
from .context import actor, commit_reads, db
from .security import requires

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")

LABELS = {"pending": "Waiting", "sending": "Sending", "sent": "Sent", "failed": "Failed",
          "cancelled": "Cancelled", "stale": "Worker stopped"}


def _kind_labels() -> dict[str, str]:
    return {k.key: k.label for k in kinds.all_kinds()}


def _back() -> Response:
    """To the list the form was sent from (its filter kept)."""
    status = request.form.get("from_status") or None
    channel = request.form.get("from_channel") or None
    return redirect(url_for("outbox.index",
                            status=status if status in manage.FILTERS else None,
                            channel=channel if channel in CHANNELS else None))


@bp.route("/")
@requires("outbox.manage")
def index() -> str:
    status = request.args.get("status") or None
    channel = request.args.get("channel") or None
    view = manage.overview(db(), actor(), status=status, channel=channel)
    commit_reads()
    return render_template("admin/outbox.html", view=view, status=status, channel=channel,
                           filters=manage.FILTERS, labels=LABELS, channels=CHANNELS,
                           kind_labels=_kind_labels())


@bp.route("/<int:message_id>/requeue", methods=["POST"])
@requires("outbox.manage")
def requeue(message_id: int) -> Response:
    row = manage.requeue(db(), actor(), message_id)
    flash(f"Message {row.id} to {row.recipient} is queued to be sent again.", "success")
    return _back()


@bp.route("/<int:message_id>/cancel", methods=["POST"])
@requires("outbox.manage")
def cancel(message_id: int) -> Response:
    row = manage.cancel(db(), actor(), message_id)
    flash(f"Message {row.id} to {row.recipient} is cancelled: it will not be sent.",
          "success")
    return _back()
