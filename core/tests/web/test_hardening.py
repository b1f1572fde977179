"""Hostile input through the pages (issue 13, findings 7, 8 and 11): ids beyond the
database's range and Unicode digits name no record, dates far out fall back to the page's
default, the body limit answers 413, and CSV cells never start a formula, wherever it
could start (OWASP, "CSV Injection")."""

from __future__ import annotations

import csv
import io

import pytest
from vesalius.web.reports import _cell, _csv


@pytest.mark.parametrize("path", ["/patients/{}", "/cases/{}", "/billing/invoices/{}",
                                  "/chart/notes/{}"])
@pytest.mark.parametrize("ident", [2**63 + 1, 2**31, 10**40, "\u0661"])
def test_ids_out_of_range_are_404_not_500(browser, path, ident):  # type: ignore[no-untyped-def]
    response = browser("owner").get(path.format(ident))
    assert response.status_code == 404, (path, ident, response.status_code)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "\u0662\u0660\u0662\u0666-01-01"])
def test_far_dates_fall_back_on_the_pages(browser, day):  # type: ignore[no-untyped-def]
    b = browser("owner")
    for path in (f"/calendar/?date={day}", f"/reports/?from={day}&to={day}",
                 f"/reports/revenue.csv?from=2026-01-01&to={day}",
                 "/calendar/?date=2026-03-02&practitioner=\u00b9&location=99999999999999999999",
                 f"/chart/?date={day}", "/chart/?date=2026-03-02&practitioner=\u00b9",
                 "/chart/?practitioner=99999999999999999999"):
        response = b.get(path)
        assert response.status_code == 200, (path, response.status_code)


def test_web_body_limit_is_413(app, browser):  # type: ignore[no-untyped-def]
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    b = browser("owner")
    response = b.post("/patients/new", {"given_name": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
    ("  =1+1", "'  =1+1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("+1", "+1"),
    ("-12.50", "-12.50"),
    ("-1e-05", "-1e-05"),
    ("-inf", "'-inf"),
    ("\tcmd", "'\tcmd"),
    ("\r=1", "'\r'=1"),
    ("knee;@SUM(1+1)", "knee;'@SUM(1+1)"),
    ("knee, =cmd|' /C calc'!A0", "knee, '=cmd|' /C calc'!A0"),
    ("a\t-2+3", "a\t'-2+3"),
    ("a|+1", "a|'+1"),
    ("line\n=1", "line\n'=1"),
    ("Smith, Jane", "Smith, Jane"),
    ("plain text", "plain text"),
])
def test_csv_cells_never_start_a_formula(value, expected):  # type: ignore[no-untyped-def]
    assert _cell(value) == expected


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_read_with_any_separator_has_no_formula_cell(delimiter):  # type: ignore[no-untyped-def]
    hostile = ["knee;@SUM(1+1)", "a,=1", "b\t+2*3", "c|-1+1", " =x", "d; \"=y"]
    text = _csv(["name"], [[v] for v in hostile])
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        for cell in row:
            stripped = cell.strip().lstrip('"')
            assert stripped[:1] not in ("=", "+", "-", "@"), (delimiter, row)


def test_deep_json_to_a_page_is_a_400_not_a_500(app):  # type: ignore[no-untyped-def]
    with app.test_request_context("/", method="POST", data="[" * 5000 + "]" * 5000,
                                  content_type="application/json"):
        from flask import request
        from werkzeug.exceptions import BadRequest

        with pytest.raises(BadRequest):
            request.get_json()
