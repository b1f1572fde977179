"""The reports page in a real browser at 1024x768 and 1440x900: never wider than the window,
no more than a few screens tall (long tables are paginated), and no two axis labels of a
bar chart overlap (screenshots with ``VESALIUS_A11Y_SHOTS=1``)."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.browser

OWNER = ("owner@demo.vesalius.test", "vesalius-demo-2026")
SIZES = [(1440, 900), (1024, 768)]

#: Pairs of overlapping text boxes among each plot's axis labels (those below the axis).
OVERLAPS = """() => {
  const found = [];
  for (const svg of document.querySelectorAll('svg.plot')) {
    const axis = svg.querySelector('line.axis:last-of-type').getBoundingClientRect();
    const boxes = [...svg.querySelectorAll('text')].map(t => [t.textContent,
      t.getBoundingClientRect()]).filter(([, b]) => b.top >= axis.bottom - 1);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [ta, a] = boxes[i], [tb, b] = boxes[j];
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5
          && b.top < a.bottom - 0.5) found.push(ta + ' / ' + tb);
    }
  }
  return found;
}"""


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reports_fit_the_window(page_as, live_server, shot, size):
    page = page_as(*OWNER, width=size[0], height=size[1])
    response = page.goto(f"{live_server}/reports/?from=2000-01-01")
    page.wait_for_load_state()
    assert response is not None and response.status == 200
    wider = int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))
    assert wider <= 1, f"{wider} px wider than the window"
    tall = int(page.evaluate("document.documentElement.scrollHeight"))
    assert tall <= 6 * size[1], f"{tall} px tall"
    assert page.evaluate(OVERLAPS) == []
    assert "%" in page.inner_text("#attendance table")
    if os.environ.get("VESALIUS_A11Y_SHOTS"):
        shot(page, f"reports-{size[0]}")
    assert not page.errors, page.errors
