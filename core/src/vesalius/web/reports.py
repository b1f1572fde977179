"""Reports with plots and a CSV download of each: revenue per practitioner per month,
attendance (no-show and late-cancel rates), collection rate, outcome change per case and
per discipline.

They read from the read replica when ``VESALIUS_DATABASE_REPLICA_URL`` is set
(:mod:`vesalius.db.replica`); their audit events go to the primary."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Blueprint, Response, abort, g, render_template, request

from ..db.replica import replica_engine, report_sessions
from ..plugins import get_registry
from ..services import clinic_reports, reports
from ..services.common import bounded_date
from .context import actor, database, db
from .plots import bars, grouped_bars
from .security import requires

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.before_request
def _read_from_replica() -> None:
    """This request's session reads from the replica when there is one (``db()`` then
    returns it; it is committed and closed with the request as any other)."""
    if replica_engine() is None:
        return
    gate = g.pop("_vdb", None)
    if gate is not None:  # the page gate's session (it read the pack settings): done
        gate.commit()
        gate.close()
    g._vdb = report_sessions(database())()

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


def default_period(today: date) -> tuple[date, date]:
    """The default [from, until]: the twelve months up to today, from the first day of the
    month eleven months back, until today (both days included)."""
    back = today.year * 12 + today.month - 1 - 11
    return date(back // 12, back % 12 + 1, 1), today


def _period() -> tuple[date, date]:
    """[from, to) from the query string, whose ``to`` is the last day shown (inclusive);
    the last twelve months by default (:func:`default_period`)."""
    first, last = default_period(date.today())
    start = bounded_date(request.args.get("from")) or first
    end = (bounded_date(request.args.get("to")) or last) + timedelta(days=1)
    if end <= start:
        end = start + timedelta(days=1)
    return max(start, end - timedelta(days=3 * 366)), end  # at most three years


def percent(rate: float) -> str:
    """A rate as people read it: 0.0396 -> ``3.96 %``."""
    return f"{rate * 100:.2f} %"


#: Rows per page of a report's table on the page (the CSV has them all).
PAGE_SIZE = 20


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    count: int  # pages in all
    first: int  # 1-based index of the first row shown (0 when there are none)
    last: int
    total: int


def paginate(rows: Sequence[object], wanted: str | None) -> tuple[Sequence[object], Page]:
    """One page of ``rows``; ``wanted`` (from the query string) out of range or not a
    number gives the nearest page."""
    count = max(1, -(-len(rows) // PAGE_SIZE))
    number = min(max(int(wanted) if wanted and wanted.isdigit() else 1, 1), count)
    lo = (number - 1) * PAGE_SIZE
    shown = rows[lo:lo + PAGE_SIZE]
    return shown, Page(number, count, lo + 1 if shown else 0, lo + len(shown), len(rows))


def _tables(start: date, end: date, names: Iterable[str], raw: dict[str, list] | None = None
            ) -> dict[str, tuple[list[str], list[list[object]]]]:
    """Each report's header and formatted rows; ``raw``, when given, receives the services'
    rows (for the plots, without asking twice)."""
    session, who = db(), actor()
    raw = {} if raw is None else raw
    out: dict[str, tuple[list[str], list[list[object]]]] = {}
    names = set(names)
    if "revenue" in names:
        rows = raw["revenue"] = reports.revenue_by_practitioner(session, who, start, end)
        out["revenue"] = (["month", "practitioner", "visits", "invoiced"],
                          [[r.month, r.practitioner_name, r.visits, r.invoiced] for r in rows])
    if "attendance" in names:
        rows_a = raw["attendance"] = clinic_reports.attendance(session, who, start, end)
        out["attendance"] = (
            ["practitioner", "appointments", "attended", "cancelled", "late_cancelled",
             "no_show", "late_cancel_rate", "no_show_rate"],
            [[r.practitioner_name, r.booked, r.attended, r.cancelled, r.late_cancelled,
              r.no_show, percent(r.late_cancel_rate), percent(r.no_show_rate)]
             for r in rows_a])
    if "collection" in names:
        rows_c = raw["collection"] = clinic_reports.collection(session, who, start, end)
        out["collection"] = (["month", "invoiced", "collected", "collection_rate"],
                             [[r.month, r.invoiced, r.collected, percent(r.rate)]
                              for r in rows_c])
    if names & {"outcomes-by-case", "outcomes-by-discipline"}:
        per_case, per_discipline = clinic_reports.outcome_changes(session, who, start, end)
        known = get_registry()
        names = {m: (known.measures[m].title if m in known.measures else m)
                 for m in {o.measure_id for o in per_case}}  # people words, not ids
        disciplines = {d: (known.disciplines[d].title if d in known.disciplines else d)
                       for d in {o.discipline for o in per_case}}
        out["outcomes-by-case"] = (
            ["case_id", "patient", "case", "discipline", "measure", "first", "latest",
             "results", "change", "reached_mcid"],
            [[o.case_id, o.patient_name, o.case_title, disciplines[o.discipline],
              names[o.measure_id],
              f"{o.first:g}", f"{o.latest:g}", o.results, f"{o.change:g}",
              "" if o.reached_mcid is None else ("yes" if o.reached_mcid else "no")]
             for o in per_case])
        out["outcomes-by-discipline"] = (
            ["discipline", "measure", "cases", "mean_change", "reached_mcid",
             "cases_with_mcid"],
            [[disciplines.get(d.discipline, d.discipline), names.get(d.measure_id, d.measure_id),
              d.cases, f"{d.mean_change:.1f}", d.reached_mcid,
              d.with_mcid] for d in per_discipline])
    return out


@bp.route("/")
@requires("reports.read")
def index() -> str:
    start, end = _period()
    raw: dict[str, list] = {}
    tables = _tables(start, end, readable(), raw)
    plots = {}
    revenue = raw["revenue"]
    months = sorted({r.month for r in revenue})
    names = sorted({r.practitioner_name for r in revenue})
    amounts: dict[tuple[str, str], float] = defaultdict(float)
    for r in revenue:
        amounts[(r.month, r.practitioner_name)] += float(r.invoiced)  # drawing only
    plots["revenue"] = grouped_bars("Revenue per practitioner per month", months, names,
                                    amounts)
    plots["attendance"] = bars("No-show rate per practitioner",
                               [(r.practitioner_name, r.no_show_rate) for r in raw["attendance"]],
                               percent=True)
    plots["collection"] = bars("Collection rate per month",
                               [(r.month, r.rate) for r in raw["collection"]], percent=True)
    pages = {}
    for name, (header, rows) in list(tables.items()):
        shown, pages[name] = paginate(rows, request.args.get(f"page-{name}"))
        tables[name] = (header, list(shown))  # type: ignore[arg-type]
    return render_template("reports/index.html", start=start, end=end, tables=tables,
                           plots=plots, pages=pages, last_day=end - timedelta(days=1),
                           numeric=NUMERIC)


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
