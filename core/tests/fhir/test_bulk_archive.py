"""``vesalius export`` carries the FHIR resources (issue 16, part 5): ``fhir/<Type>.ndjson``
for every registered type, written by the Bulk Data export's writer, each line parsing and
passing the checks, references resolving across the files, counts and hashes in the
manifest; a patient's export holds only the types of their compartment, only theirs. Both
engines."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from bulk_clinic import SYSTEM, billed_clinic
from checks import check_resource, references
from click.testing import CliRunner
from vesalius.cli import main
from vesalius.exports.archive import write_export
from vesalius.fhir import registry


def _fhir_files(zf: zipfile.ZipFile) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    return {name.removeprefix("fhir/").removesuffix(".ndjson"): [
        json.loads(line) for line in zf.read(name).decode("utf-8").splitlines()]
        for name in zf.namelist() if name.startswith("fhir/")}


def test_the_clinic_export_holds_every_type_as_ndjson(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ids = billed_clinic(db)
    out = tmp_path / "clinic.zip"
    done = CliRunner().invoke(main, ["export", "-o", str(out), "--database",
                                     db.engine.url.render_as_string(hide_password=False)])
    assert done.exit_code == 0, done.output
    zf = zipfile.ZipFile(out)
    manifest = json.loads(zf.read("manifest.json"))
    files = _fhir_files(zf)
    assert set(files) == set(registry.types())  # every type, even one with nothing in it
    listed = {e["file"]: e for e in manifest["files"] if e["file"].startswith("fhir/")}
    present = {f"{r['resourceType']}/{r['id']}" for lines in files.values() for r in lines}
    for kind, lines in files.items():
        entry = listed[f"fhir/{kind}.ndjson"]
        data = zf.read(entry["file"])
        assert entry["resources"] == len(lines) and entry["rows"] is None
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        for line in lines:
            assert line["resourceType"] == kind
            check_resource(line)
            for ref in references(line):
                assert ref in present, (kind, line["id"], ref)
    assert {r["id"] for r in files["Invoice"]} == {str(ids[k]) for k in
                                                   ("invoice", "paid", "voided")}
    assert {r["id"] for r in files["Patient"]} == {str(ids["ada"]), str(ids["grace"])}
    assert "Organization/clinic" in present
    assert not any("FHIR" in item for item in manifest["not_included"])


def test_a_patients_export_holds_their_compartment_only(db) -> None:  # type: ignore[no-untyped-def]
    ids = billed_clinic(db)
    out = io.BytesIO()
    with db.session() as s:
        write_export(s, SYSTEM, out, patient_id=ids["grace"])
    zf = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    files = _fhir_files(zf)
    served = registry.types()
    assert set(files) == {name for name, t in served.items() if t.patient is not None}
    assert [r["id"] for r in files["Patient"]] == [str(ids["grace"])]
    assert files["Claim"] == []  # Ada's claim stays out
    assert {r["id"] for r in files["Invoice"]} == {str(ids["paid"]), str(ids["voided"])}
    for kind, lines in files.items():
        for line in lines:
            check_resource(line)
            patients = {ref for ref in references(line) if ref.startswith("Patient/")}
            assert patients <= {f"Patient/{ids['grace']}"}, kind
    assert b"Lovelace" not in b"".join(zf.read(n) for n in zf.namelist() if "fhir/" in n)
