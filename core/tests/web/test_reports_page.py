"""The reports page as people read it: rates as percentages, long tables paginated (the
CSV keeps every row), default dates from the start of the twelve months until today, and
practitioner labels that never overlap on the bar charts."""

from __future__ import annotations

import re
from datetime import date, timedelta

from vesalius.web import plots
from vesalius.web.reports import PAGE_SIZE, default_period, paginate, percent


def test_rates_read_as_percentages():
    assert percent(0.0396) == "3.96 %"
    assert percent(0.0) == "0.00 %"
    assert percent(1.0) == "100.00 %"


def test_attendance_table_and_csv_show_percentages(browser):
    b = browser("billing")
    html = b.get("/reports/?from=2000-01-01").get_data(as_text=True)
    section = html[html.index('id="attendance"'):]
    cells = re.findall(r'<td class="num">([^<]*)</td>', section[:section.index("</table>")])
    rates = [c for c in cells if "%" in c]
    assert rates and all(re.fullmatch(r"\d{1,3}\.\d\d %", r) for r in rates)
    assert not re.search(r">0\.0\d{3}<", section)
    csv = b.get("/reports/attendance.csv?from=2000-01-01").get_data(as_text=True)
    assert re.search(r",\d{1,3}\.\d\d %", csv)


def test_default_period_is_twelve_months_until_today():
    assert default_period(date(2026, 12, 4)) == (date(2026, 1, 1), date(2026, 12, 4))
    assert default_period(date(2026, 3, 31)) == (date(2025, 4, 1), date(2026, 3, 31))
    assert default_period(date(2026, 1, 1)) == (date(2025, 2, 1), date(2026, 1, 1))


def test_page_shows_until_today_by_default(browser):
    html = browser("billing").get("/reports/").get_data(as_text=True)
    first, last = default_period(date.today())
    assert f'name="to" value="{last.isoformat()}"' in html
    assert f'name="from" value="{first.isoformat()}"' in html
    assert f'name="to" value="{(last + timedelta(days=1)).isoformat()}"' not in html


def test_until_is_inclusive(browser):
    """A report until a day includes that day: the CSV file name ends on it."""
    response = browser("billing").get("/reports/collection.csv?from=2026-01-01&to=2026-01-31")
    assert "2026-01-01-2026-01-31.csv" in response.headers["Content-Disposition"]


def test_paginate():
    rows = list(range(PAGE_SIZE * 2 + 3))
    shown, page = paginate(rows, None)
    assert list(shown) == rows[:PAGE_SIZE] and (page.number, page.count) == (1, 3)
    shown, page = paginate(rows, "3")
    assert list(shown) == rows[-3:] and (page.first, page.last, page.total) == (
        2 * PAGE_SIZE + 1, 2 * PAGE_SIZE + 3, len(rows))
    assert paginate(rows, "99")[1].number == 3
    assert paginate(rows, "x")[1].number == 1
    assert paginate([], None)[1] == paginate([], "2")[1]
    assert paginate([], None)[1].first == 0


def test_long_tables_are_paginated_and_the_csv_has_every_row(browser):
    b = browser("owner")
    csv_rows = b.get("/reports/outcomes-by-case.csv?from=2000-01-01").get_data(
        as_text=True).splitlines()[1:]
    html = b.get("/reports/?from=2000-01-01").get_data(as_text=True)
    section = html[html.index('id="outcomes-by-case"'):]
    section = section[:section.index("</article>")]
    shown = section.count("<tr>") - 1  # the header row
    assert shown == min(len(csv_rows), PAGE_SIZE) or (not csv_rows and shown == 1)
    if len(csv_rows) > PAGE_SIZE:
        assert "page-outcomes-by-case=2" in section
        second = b.get("/reports/?from=2000-01-01&page-outcomes-by-case=2").get_data(
            as_text=True)
        assert "Page 2 of" in second


def test_crowded_labels_turn_and_never_run_past_their_slot():
    names = [f"Practitioner number {i}" for i in range(8)]
    svg = str(plots.bars("No-shows", [(n, 0.05) for n in names], percent=True))
    assert svg.count("rotate(-90") == len(names)  # upright: one line's height across
    assert "Pract\u2026" in svg  # abbreviated; the full name is the tooltip
    assert "Practitioner number 7: 5.00 %" in svg
    assert "5 %" in svg and "0.05" not in svg


def test_roomy_labels_stay_level():
    svg = str(plots.bars("Collection", [("2026-01", 0.5), ("2026-02", 0.9)], percent=True))
    assert "rotate(" not in svg and "90.00 %" in svg


def test_grouped_bars_draw_a_bar_per_practitioner_per_month_with_a_legend():
    values = {("2026-01", "Ana"): 100.0, ("2026-01", "Ben"): 50.0, ("2026-02", "Ana"): 80.0}
    svg = str(plots.grouped_bars("Revenue", ["2026-01", "2026-02"], ["Ana", "Ben"], values))
    assert svg.count("<rect") == 3 + 2  # three bars, two legend swatches
    assert "Ben, 2026-01: 50.00" in svg and "Ben, 2026-02" not in svg
    assert 'class="bar s1"' in svg
