"""``vesalius demo --seed N`` gives the same clinic every time: two processes with different
hash seeds (so any set or dict order that depends on them differs) seed the demo with the
same seed and day, and every table's rows match, all but the clocks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

#: Columns that hold when a row was written (the machine's clock, not the demo's story),
#: or what is derived from it: password salts, the audit chain's hashes, a signed note's
#: hash (it covers the signing time).
CLOCKS = frozenset({
    "created_at", "updated_at", "status_changed_at", "signed_at", "submitted_at",
    "recorded_at", "decided_at", "at", "last_login_at", "password_hash", "hash", "prev_hash",
    "content_sha256",
    # A message queued "now" is due now; its text may carry a link's random token (a
    # waitlist offer's, an intake request's): secrets are random by design.
    "send_after", "body_text", "body_html", "token_sha256", "token_hash",
})

SEED = textwrap.dedent("""
    import hashlib, json, sys
    from datetime import date
    from sqlalchemy import MetaData, select
    from vesalius.db import Database
    from vesalius.demo import seed_demo

    db = Database(sys.argv[1])
    db.upgrade()
    seed_demo(db, seed=int(sys.argv[2]), patients_count=24, days_back=10, days_ahead=3,
              per_day=4, today=date(2026, 3, 11))
    clocks = set(json.loads(sys.argv[3]))
    metadata = MetaData()
    metadata.reflect(db.engine)
    digests = {}
    with db.engine.connect() as conn:
        for name in sorted(metadata.tables):
            table = metadata.tables[name]
            columns = [c for c in table.columns if c.name not in clocks]
            order = list(table.primary_key.columns) or columns
            rows = conn.execute(select(*columns).order_by(*order)).all()
            text = json.dumps([[str(v) for v in row] for row in rows])
            digests[name] = [len(rows), hashlib.sha256(text.encode()).hexdigest()]
    db.dispose()
    print(json.dumps(digests))
""")


def _seed(tmp_path: Path, name: str, hash_seed: str, seed: int = 7) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    return subprocess.Popen(
        [sys.executable, "-c", SEED, f"sqlite:///{tmp_path / name}", str(seed),
         json.dumps(sorted(CLOCKS))], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)


def _digests(process: subprocess.Popen[str]) -> dict[str, list[object]]:
    out, err = process.communicate(timeout=900)
    assert process.returncode == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_same_seed_same_clinic_whatever_the_hash_seed(tmp_path: Path) -> None:
    first, second, other = (_seed(tmp_path, "a.sqlite3", "1"),
                            _seed(tmp_path, "b.sqlite3", "2024"),
                            _seed(tmp_path, "c.sqlite3", "1", seed=8))
    a, b, c = _digests(first), _digests(second), _digests(other)
    assert a["appointments"][0] > 50 and a["notes"][0] > 20 and a["invoices"][0] > 20
    differing = sorted(t for t in a if a[t] != b.get(t))
    assert differing == [], f"tables that differ between two seeds of the same clinic: " \
                            f"{differing}"
    # The digest sees the story: another seed tells another one.
    assert a["appointments"] != c["appointments"] and a["notes"] != c["notes"]
