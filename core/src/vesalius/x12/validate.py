"""Validation of an X12 text with pyx12's Python API (its ``x12valid`` command exits 1
whether the file passed or not, so the API's boolean is what counts)."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass


@dataclass(frozen=True)
class Validation:
    ok: bool
    #: The acknowledgement pyx12 wrote (a 999 for 5010): IK3/IK4 name what failed.
    ack: str
    #: The errors pyx12 reported, one line each (segment, code, text).
    errors: tuple[str, ...]


def _errors(report: str) -> tuple[str, ...]:
    """Every error in pyx12's JSON report (interchange, group, transaction, segment and
    element levels), each with the segment and line it was found at."""
    try:
        tree = json.loads(report) if report.strip() else {}
    except ValueError:
        return (report[:500],)
    found: list[str] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, where)
            return
        if not isinstance(node, dict):
            return
        here = where
        if node.get("seg_id"):
            here = f"{node['seg_id']} (line {node.get('cur_line')})"
        elif node.get("trn_set_id"):
            here = f"ST {node['trn_set_id']} {node.get('trn_set_control_num')}"
        for err in node.get("errors") or []:
            found.append(f"{here or 'ISA'}: {err.get('err_cde')} {err.get('err_str')}")
        for key, value in node.items():
            if key != "errors" and isinstance(value, (list, dict)):
                walk(value, here)

    walk(tree, "")
    return tuple(found)


def validate(text: str) -> Validation:
    """Run pyx12 over ``text`` (an 837P, an 835...): structure, segment counts, envelopes,
    element syntax, the implementation guide's code lists."""
    import pyx12.params
    import pyx12.x12n_document

    ack, report = io.StringIO(), io.StringIO()
    # pyx12 logs each error at ERROR level as well: keep them out of the clinic's log (the
    # text may hold patients' names).
    logger = logging.getLogger("pyx12")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        ok = pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(), src_file=io.StringIO(text), fd_997=ack,
            fd_html=None, fd_json=report)
    except Exception as exc:  # pyx12 raises on what it cannot map (an unknown GS08...)
        return Validation(False, ack.getvalue(),
                          (f"pyx12 could not read it: {type(exc).__name__}: {exc}"[:300],))
    finally:
        logger.setLevel(level)
    return Validation(bool(ok), ack.getvalue(), _errors(report.getvalue()))
