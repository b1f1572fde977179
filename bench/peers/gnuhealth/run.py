"""GNU Health 5.0 doing the bench's CRUD work: run with the peer's own Python.

    bench/peers/gnuhealth/.venv/bin/python bench/peers/gnuhealth/run.py \
        [--patients 1000] [--appointments 5000] [--http-patients N] [--http-appointments N]
        [--postgres URI] [--json]

(``bash bench/peers/gnuhealth/setup.sh`` first.) Each part runs on a fresh copy of the
database setup.sh made (SQLite: a copied file; PostgreSQL: ``CREATE DATABASE ... TEMPLATE
gnuhealth``), with 10 health professionals made first, as ``bench/bench.py`` makes 10
practitioners:

- through trytond's Python API (the ORM in this process): N patients (a person party with
  given and family name, birth date, gender, phone and e-mail, and its patient record) one
  transaction each, then N more in one transaction; N appointments (a patient, a health
  professional, a start on a half-hour slot of a working day, state confirmed, which draws
  the appointment number from its sequence) one transaction each, then N more in one
  transaction; then one month's appointments counted per professional (``search_count``);
- over HTTP through proteus, GNU Health's client library, against a ``trytond`` server this
  script starts on 127.0.0.1: N patients and N appointments, one ``save()`` each (one
  transaction per record on the server), then the month's appointments listed per
  professional (``find``: what bench.py's HTTP count does through our API).

GNU Health checks no overlap when it books (bench.py's bookings each check one), so its
appointment rows do less work than ours. "In one transaction" is one ``create`` call per
record inside one transaction, as bench.py calls its service once per record: GNU Health
5.0.6's ``party.party`` ``create`` cannot take several people in one call (it calls the
parent ``create`` with the whole list once per person, so the second call repeats the
first's unique codes). Prints one line per row (or ``--json``: one object
with the rates and the database settings read back from trytond's own connection).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
N_PROFESSIONALS = 10
BASE_DAY = dt.date(2031, 1, 6)  # a Monday, as bench.py's bookings


def slot(n: int, base: dt.date) -> tuple[int, dt.datetime]:
    """Appointment n: professional n % 10, its (n // 10)-th half-hour slot of a workday
    (bench.py's ``_slot``). trytond stores naive UTC datetimes."""
    index = n // 10
    day = base + dt.timedelta(days=index // 16)
    start = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=30 * (index % 16))
    return n % 10, start


def person(n: int, *, patient: bool = True) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": f"Given{n}", "lastname": f"Family{n % 97}", "is_person": True,
        "gender": "f" if n % 2 else "m", "fed_country": None,
        "dob": dt.date(1970, 1, 1) + dt.timedelta(days=n),
        "contact_mechanisms": [("create", [{"type": "phone", "value": f"555-{n:04d}"},
                                           {"type": "email", "value": f"p{n}@example.org"}])]}
    if patient:
        values |= {"is_patient": True, "create_target": True}
    else:
        values |= {"is_healthprof": True, "name": f"Prof{n}", "lastname": "Bench"}
    return values


# -- the database copies -----------------------------------------------------------------


class Copy:
    """A fresh copy of the database setup.sh made, and a trytond config pointing at it."""

    def __init__(self, postgres: str | None, name: str, port: int = 8000) -> None:
        self.postgres, self.name = postgres, name
        self.folder = Path(tempfile.mkdtemp(prefix="gnuhealth-peer-"))
        self.config = self.folder / "trytond.conf"
        if postgres:
            self._sql(f'DROP DATABASE IF EXISTS "{name}"')
            self._sql(f'CREATE DATABASE "{name}" TEMPLATE gnuhealth')
            uri = postgres
        else:
            shutil.copyfile(DATA / "gnuhealth.sqlite", self.folder / f"{name}.sqlite")
            uri = "sqlite://"
        self.config.write_text(
            f"[database]\nuri = {uri}\npath = {self.folder}\n"
            f"[web]\nlisten = 127.0.0.1:{port}\n"
            # the session outlives the run (the default is 5 minutes of inactivity)
            "[session]\ntimeout = 3600\n")

    def _sql(self, statement: str) -> None:
        import psycopg2

        assert self.postgres
        conn = psycopg2.connect(self.postgres.rstrip("/") + "/postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(statement)
        conn.close()

    def drop(self) -> None:
        if self.postgres:  # FORCE: trytond's pool in this process still holds connections
            self._sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.folder, ignore_errors=True)


# -- through trytond's Python API --------------------------------------------------------


def python_api(copy: Copy, n_patients: int, n_appointments: int) -> dict[str, Any]:
    from trytond.config import config

    config.update_etc(str(copy.config))
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(copy.name)
    pool.init()
    Party = pool.get("party.party")
    Patient = pool.get("gnuhealth.patient")
    Professional = pool.get("gnuhealth.healthprofessional")
    Appointment = pool.get("gnuhealth.appointment")
    User = pool.get("res.user")

    def transaction() -> Any:
        return Transaction().start(copy.name, admin, context={})

    with Transaction().start(copy.name, 0, readonly=True):
        admin = User.search([("login", "=", "admin")])[0].id
    with transaction() as tx:
        settings = _settings(tx.connection, postgres=bool(copy.postgres))
        parties = [Party.create([person(n, patient=False)])[0]
                   for n in range(N_PROFESSIONALS)]
        professionals = [p.id for p in Professional.create([{"party": p.id}
                                                           for p in parties])]
    rates: dict[str, Any] = {}

    def patients(offset: int) -> list[int]:
        return [p.id for p in Patient.search([("party.name", "like", "Given%")],
                                             order=[("id", "ASC")], offset=offset)]

    started = time.perf_counter()
    for n in range(n_patients):
        with transaction():
            Party.create([person(n)])
    rates["patients (services)"] = n_patients / (time.perf_counter() - started)
    started = time.perf_counter()
    with transaction():
        for n in range(n_patients):
            Party.create([person(n_patients + n)])
    rates["patients (services, one transaction)"] = n_patients / (
        time.perf_counter() - started)
    with transaction():
        patient_ids = patients(0)[:n_patients]
    assert len(patient_ids) == n_patients

    def booking(n: int, base: dt.date) -> dict[str, Any]:
        p, start = slot(n, base)
        return {"patient": patient_ids[n % n_patients], "healthprof": professionals[p],
                "appointment_date": start, "state": "confirmed"}

    started = time.perf_counter()
    for n in range(n_appointments):
        with transaction():
            Appointment.create([booking(n, BASE_DAY)])
    rates["appointments (services)"] = n_appointments / (time.perf_counter() - started)
    started = time.perf_counter()
    with transaction():
        for n in range(n_appointments):
            Appointment.create([booking(n, BASE_DAY + dt.timedelta(days=364))])
    rates["appointments (services, one transaction)"] = n_appointments / (
        time.perf_counter() - started)
    month = dt.datetime.combine(BASE_DAY, dt.time(0))
    started = time.perf_counter()
    with transaction():
        counted = [Appointment.search_count([
            ("healthprof", "=", prof), ("appointment_date", ">=", month),
            ("appointment_date", "<", month + dt.timedelta(days=31))])
            for prof in professionals]
    rates["count per practitioner (services) ms"] = (time.perf_counter() - started) * 1000
    assert sum(counted) > 0
    return {"rates": rates, "settings": settings}


def _settings(connection: Any, *, postgres: bool) -> dict[str, str]:
    """The durability settings of trytond's own connection, read back from it."""
    cursor = connection.cursor()
    if postgres:
        found = {}
        for name in ("synchronous_commit", "fsync", "wal_sync_method"):
            cursor.execute(f"SHOW {name}")
            found[name] = str(cursor.fetchone()[0])
        return found
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA synchronous")
    level = cursor.fetchone()[0]
    return {"journal_mode": str(journal),
            "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(level,
                                                                              str(level))}


# -- over HTTP through proteus ----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"trytond exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("trytond did not start listening")


def over_http(copy: Copy, port: int, n_patients: int, n_appointments: int) -> dict[str, Any]:
    log = open(copy.folder / "trytond.log", "wb")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("trytond")), "-c", str(copy.config),
         "-d", copy.name], stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(port, server)
        from proteus import config as proteus_config

        password = (DATA / "admin.pass").read_text().strip()
        # A session, as the Tryton client keeps one: the user name and password in the URL
        # would make trytond verify the password hash on every request.
        with proteus_config.set_xmlrpc_session(
                f"http://127.0.0.1:{port}/{copy.name}/", "admin", password):
            return _proteus_work(n_patients, n_appointments)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _proteus_work(n_patients: int, n_appointments: int) -> dict[str, Any]:
    from proteus import Model

    Party = Model.get("party.party")
    Professional = Model.get("gnuhealth.healthprofessional")
    Patient = Model.get("gnuhealth.patient")
    Appointment = Model.get("gnuhealth.appointment")
    ContactMechanism = Model.get("party.contact_mechanism")

    def new_party(values: dict[str, Any]) -> Any:
        party = Party()
        mechanisms = values.pop("contact_mechanisms")[0][1]
        for key, value in values.items():
            if key not in ("fed_country", "create_target"):
                setattr(party, key, value)
        for mechanism in mechanisms:
            party.contact_mechanisms.append(ContactMechanism(**mechanism))
        return party

    professionals = []
    for n in range(N_PROFESSIONALS):
        party = new_party(person(n, patient=False))
        party.save()
        professional = Professional(party=party)
        professional.save()
        professionals.append(professional)
    rates: dict[str, Any] = {}
    started = time.perf_counter()
    for n in range(n_patients):
        new_party(person(n)).save()  # the party's create makes its patient record
    rates["patients (HTTP)"] = n_patients / (time.perf_counter() - started)
    patients = Patient.find([("party.name", "like", "Given%")], order=[("id", "ASC")])
    assert len(patients) == n_patients, len(patients)
    started = time.perf_counter()
    for n in range(n_appointments):
        p, start = slot(n, BASE_DAY)
        Appointment(patient=patients[n % n_patients], healthprof=professionals[p],
                    appointment_date=start, state="confirmed").save()
    rates["appointments (HTTP)"] = n_appointments / (time.perf_counter() - started)
    month = dt.datetime.combine(BASE_DAY, dt.time(0))
    started = time.perf_counter()
    total = sum(len(Appointment.find([
        ("healthprof", "=", prof.id), ("appointment_date", ">=", month),
        ("appointment_date", "<", month + dt.timedelta(days=31))]))
        for prof in professionals)
    rates["count per practitioner (HTTP) ms"] = (time.perf_counter() - started) * 1000
    assert total > 0
    return {"rates": rates}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--appointments", type=int, default=5000)
    parser.add_argument("--http-patients", type=int)
    parser.add_argument("--http-appointments", type=int)
    parser.add_argument("--postgres", help="PostgreSQL URI without a database name "
                        "(setup.sh --postgres made the template database gnuhealth there)")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    if not (DATA / "gnuhealth.sqlite").exists():
        print("run bench/peers/gnuhealth/setup.sh first", file=sys.stderr)
        return 2
    os.environ.pop("TRYTOND_CONFIG", None)
    import trytond

    out: dict[str, Any] = {"version": _version(), "trytond": trytond.__version__,
                           "engine": "PostgreSQL" if options.postgres else "SQLite"}
    copy = Copy(options.postgres, "peer_api")
    try:
        out |= python_api(copy, options.patients, options.appointments)
    finally:
        copy.drop()
    if not options.no_http:
        port = _free_port()
        copy = Copy(options.postgres, "peer_http", port)
        try:
            out["rates"] |= over_http(copy, port, options.http_patients or options.patients,
                                      options.http_appointments or options.appointments)[
                "rates"]
        finally:
            copy.drop()
    if options.json:
        print(json.dumps(out))
    else:
        print(f"GNU Health {out['version']} (trytond {out['trytond']}) on {out['engine']}, "
              + ", ".join(f"{k}={v}" for k, v in out["settings"].items()))
        for key, value in out["rates"].items():
            print(f"  {key}: {value:,.1f}" + ("" if key.endswith("ms") else " /s"))
    return 0


def _version() -> str:
    from importlib.metadata import version

    return version("gnuhealth")


if __name__ == "__main__":
    sys.exit(main())
