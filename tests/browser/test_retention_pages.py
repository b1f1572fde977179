"""The retention and erasure pages in a real browser: axe-core finds nothing and no page is
wider than the window at 1440x900, 1024x768 and 320 px, for the owner's pages and the
patient's portal page (screenshots with ``VESALIUS_A11Y_SHOTS=1``)."""

from __future__ import annotations

import os
from typing import Any

import pytest

pytestmark = pytest.mark.browser

DEMO = "vesalius-demo-2026"
OWNER = ("owner@demo.vesalius.test", DEMO)
PORTAL = ("portal.browser@clinic.test", "correct horse battery staple")
SIZES = [(1440, 900), (1024, 768), (320, 640)]


def _processed_request(app: Any) -> int:
    """An erasure request carried out for a patient other than the portal's (whose account
    the other browser tests use), so the outcome page has content."""
    from sqlalchemy import select
    from vesalius.models import Note, User
    from vesalius.services import Actor, retention

    owner = Actor(user_id=None, role="owner")
    with app.extensions["vesalius.db"].session() as s:
        portal = s.scalar(select(User.patient_id).where(User.email == PORTAL[0]))
        patient_id = s.scalar(select(Note.patient_id).where(
            Note.status == "signed", Note.patient_id != portal).limit(1))
        made = retention.request_erasure(s, owner, patient_id, retention.ErasureIn())
        retention.process(s, owner, made.id)
        return made.id


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_retention_pages_pass_axe_and_fit(page_as, live_app, axe, shot, size):
    app, base = live_app
    request_id = _processed_request(app)
    problems: list[str] = []
    for login, paths in ((OWNER, ["/retention/", "/retention/?as_of=2200-01-01",
                                  "/retention/erasure", f"/retention/erasure/{request_id}"]),
                         (PORTAL, ["/portal/erasure"])):
        page = page_as(*login, width=size[0], height=size[1])
        for path in paths:
            response = page.goto(base + path)
            page.wait_for_load_state()
            assert response is not None and response.status == 200, path
            if violations := axe.run_axe(page):
                problems.append(f"{path}:\n{axe.describe(violations)}")
            wider = int(page.evaluate("document.documentElement.scrollWidth - "
                                      "window.innerWidth"))
            if wider > 1:
                problems.append(f"{path}: {wider} px wider than the {size[0]} px window")
            if os.environ.get("VESALIUS_A11Y_SHOTS"):
                name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
                shot(page, f"retention-{size[0]}-{name}")
        assert not page.errors, page.errors
    assert not problems, "\n".join(problems)
