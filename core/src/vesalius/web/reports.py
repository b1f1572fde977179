"""Reports with plots and a CSV download of each: revenue per practitioner per month,
attendance (no-show and late-cancel rates), collection rate, outcome change per case and
per discipline."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from flask import Blueprint, Response, abort, render_template, request

from ..services import clinic_reports, reports
from ..services.common import bounded_date
from .context import actor, db
from .plots import bars
from .security import requires

bp = Blueprint("reports", __name__, url_prefix="/reports")

#: Columns shown right-aligned as numbers.
NUMERIC = frozenset({"visits", "invoiced", "collected", "collection_rate", "appointments",
                     "attended", "cancelled", "late_cancelled", "no_show", "late_cancel_rate",
                     "no_show_rate", "first", "latest", "results", "change", "cases",
                     "mean_change", "reached_mcid", "cases_with_mcid", "case_id"})
NAMES = ("revenue", "attendance", "collection", "outcomes-by-case", "outcomes-by-discipline")
#: Each report's permissions, as its services require them (``reports.read`` opens the
#: page; outcome scores are clinical, so ``measures.read`` too).
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "revenue": ("reports.read",), "attendance": ("reports.read",),
    "collection": ("reports.read",),
    "outcomes-by-case": ("reports.read", "measures.read"),
    "outcomes-by-discipline": ("reports.read", "measures.read"),
}


def readable() -> list[str]:
    """The reports the signed-in user may see."""
    who = actor()
    return [name for name in NAMES if all(who.can(p) for p in PERMISSIONS[name])]


def _period() -> tuple[date, date]:
    """[from, to) from the query string; the last twelve months by default."""
    today = date.today()
    start = bounded_date(request.args.get("from")) or date(today.year - 1, today.month, 1)
    end = bounded_date(request.args.get("to")) or today + timedelta(days=1)
    if end <= start:
        end = start + timedelta(days=1)
    return max(start, end - timedelta(days=3 * 366)), end  # at most three years


def _tables(start: date, end: date, names: Iterable[str]
            ) -> dict[str, tuple[list[str], list[list[object]]]]:
    session, who = db(), actor()
    out: dict[str, tuple[list[str], list[list[object]]]] = {}
    names = set(names)
    if "revenue" in names:
        rows = reports.revenue_by_practitioner(session, who, start, end)
        out["revenue"] = (["month", "practitioner", "visits", "invoiced"],
                          [[r.month, r.practitioner_name, r.visits, r.invoiced] for r in rows])
    if "attendance" in names:
        rows_a = clinic_reports.attendance(session, who, start, end)
        out["attendance"] = (
            ["practitioner", "appointments", "attended", "cancelled", "late_cancelled",
             "no_show", "late_cancel_rate", "no_show_rate"],
            [[r.practitioner_name, r.booked, r.attended, r.cancelled, r.late_cancelled,
              r.no_show, f"{r.late_cancel_rate:.4f}", f"{r.no_show_rate:.4f}"]
             for r in rows_a])
    if "collection" in names:
        rows_c = clinic_reports.collection(session, who, start, end)
        out["collection"] = (["month", "invoiced", "collected", "collection_rate"],
                             [[r.month, r.invoiced, r.collected, f"{r.rate:.4f}"]
                              for r in rows_c])
    if names & {"outcomes-by-case", "outcomes-by-discipline"}:
        per_case, per_discipline = clinic_reports.outcome_changes(session, who, start, end)
        out["outcomes-by-case"] = (
            ["case_id", "patient", "case", "discipline", "measure", "first", "latest",
             "results", "change", "reached_mcid"],
            [[o.case_id, o.patient_name, o.case_title, o.discipline, o.measure_id,
              f"{o.first:g}", f"{o.latest:g}", o.results, f"{o.change:g}",
              "" if o.reached_mcid is None else ("yes" if o.reached_mcid else "no")]
             for o in per_case])
        out["outcomes-by-discipline"] = (
            ["discipline", "measure", "cases", "mean_change", "reached_mcid",
             "cases_with_mcid"],
            [[d.discipline, d.measure_id, d.cases, f"{d.mean_change:g}", d.reached_mcid,
              d.with_mcid] for d in per_discipline])
    return out


@bp.route("/")
@requires("reports.read")
def index() -> str:
    start, end = _period()
    tables = _tables(start, end, readable())
    plots = {}
    monthly: dict[str, Decimal] = defaultdict(Decimal)
    for month, _name, _visits, amount in tables["revenue"][1]:
        monthly[str(month)] += Decimal(amount)  # type: ignore[arg-type]
    plots["revenue"] = bars("Revenue per month", [(m, float(v)) for m, v in
                                                  sorted(monthly.items())])
    plots["attendance"] = bars("No-show rate per practitioner",
                               [(str(r[0]), float(str(r[7]))) for r in tables["attendance"][1]],
                               percent=True)
    plots["collection"] = bars("Collection rate per month",
                               [(str(r[0]), float(str(r[3]))) for r in tables["collection"][1]],
                               percent=True)
    return render_template("reports/index.html", start=start, end=end, tables=tables,
                           plots=plots, last_day=end - timedelta(days=1), numeric=NUMERIC)


#: Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
#: A separator some reader may split on (``,`` ``;`` tab ``|``, a line break), then
#: optional spaces or quotes, then a formula character: a formula inside the cell.
_EMBEDDED = re.compile(r"([,;\t|\r\n][\s\"']*)(?=[=+\-@\t\r\n])")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def _cell(value: object) -> str:
    """A CSV cell no spreadsheet runs as a formula (CSV injection, OWASP): a cell whose
    first non-space character starts a formula gets a leading ``'``, and so does every
    formula character that follows a separator inside the cell (``knee;@SUM(...)`` in a
    ``;``-separated reader). Plain numbers (``-12.50``) stay numbers."""
    text = "" if value is None else str(value)
    if _NUMBER.fullmatch(text):
        return text
    text = _EMBEDDED.sub(r"\1'", text)
    if text.lstrip(" ")[:1] in FORMULA_START:
        text = "'" + text
    return text


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


@bp.route("/<name>.csv")
@requires("reports.read")
def download(name: str) -> Response:
    if name not in NAMES:
        abort(404)
    if name not in readable():
        abort(403)
    start, end = _period()
    header, rows = _tables(start, end, [name])[name]
    filename = f"vesalius-{name}-{start.isoformat()}-{(end - timedelta(days=1)).isoformat()}.csv"
    return Response(_csv(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
