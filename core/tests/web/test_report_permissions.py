"""Reports obey the permission table (issue 13, finding 10: billing read outcome scores
through /reports/outcomes-by-case.csv without ``measures.read``). Every report and export
with every role; what each role may read comes from the permission table."""

from __future__ import annotations

import pytest
from vesalius.permissions import ROLES, allowed
from vesalius.web.reports import NAMES, PERMISSIONS

STAFF_ROLES = [role for role in ROLES if role != "patient"]


def _may(role: str, name: str) -> bool:
    return all(allowed(role, permission) for permission in PERMISSIONS[name])


def test_every_report_names_its_permissions() -> None:
    assert set(PERMISSIONS) == set(NAMES)
    for name in ("outcomes-by-case", "outcomes-by-discipline"):
        assert "measures.read" in PERMISSIONS[name]  # outcome scores are clinical


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_export_with_every_role(browser, role):
    b = browser(role)
    for name in NAMES:
        response = b.get(f"/reports/{name}.csv?from=2000-01-01")
        expected = 200 if _may(role, name) else 403
        assert response.status_code == expected, (role, name, response.status_code)
        if expected == 403:
            assert "text/csv" not in response.content_type


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_reports_page_shows_only_what_the_role_may_read(browser, role):
    response = browser(role).get("/reports/?from=2000-01-01")
    if not allowed(role, "reports.read"):
        assert response.status_code == 403, role
        return
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name in NAMES:
        assert (f'id="{name}"' in html) == _may(role, name), (role, name)


def test_billing_reads_no_outcome_scores(browser):
    """Finding 10, as reported: the download is refused and names no patient."""
    response = browser("billing").get("/reports/outcomes-by-case.csv?from=2000-01-01")
    assert response.status_code == 403
    assert "patient" not in response.get_data(as_text=True).split("\n", 1)[0].lower()
    owner = browser("owner").get("/reports/outcomes-by-case.csv?from=2000-01-01")
    assert owner.status_code == 200
    assert owner.get_data(as_text=True).startswith("case_id,patient,case,discipline,measure")


def test_anonymous_reports_go_to_sign_in(browser):
    for path in ["/reports/"] + [f"/reports/{name}.csv" for name in NAMES]:
        response = browser(None).get(path)
        assert response.status_code in (302, 401), path
