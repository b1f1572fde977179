"""The CLI's outputs: JSON for scripts, exit codes for malformed input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from vesalius.cli import main


@pytest.fixture
def run(site):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_plugins_list_json_shows_default_pack(run):
    result = run("plugins", "list", "--json")
    assert result.exit_code == 0
    packs = {p["name"]: p for p in json.loads(result.output)}
    general = packs["general"]
    assert general["status"] == "enabled" and general["reason"] is None
    assert general["distribution"] == "vesalius"
    assert general["contributions"] == {"templates": 1, "charts": 1, "measures": 6,
                                        "billing_codes": 0, "printouts": 0}
    assert set(general) >= {"name", "distribution", "version", "status", "reason",
                            "contributions"}


def test_plugins_list_table(run):
    result = run("plugins", "list")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split()[:3] == ["NAME", "VERSION", "STATUS"]
    assert any(line.startswith("general ") for line in result.output.splitlines())


def test_broken_pack_beside_good_ones_in_a_real_process(make_pack, site):
    make_pack("good")
    make_pack("broken", "raise ImportError('cannot import name Foo')\n")
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("VESALIUS_STRICT_PLUGINS", None)
    out = subprocess.run([sys.executable, "-m", "vesalius", "plugins", "list", "--json"],
                         capture_output=True, text=True, env=env, check=True).stdout
    packs = {p["name"]: p for p in json.loads(out)}
    assert packs["good"]["status"] == "enabled"
    assert packs["good"]["contributions"]["templates"] == 1
    assert packs["broken"]["status"] == "disabled"
    assert packs["broken"]["reason"] == "import failed: ImportError: cannot import name Foo"
    assert packs["general"]["status"] == "enabled"


def test_measures_score_json(run):
    result = run("measures", "score", "psfs", "--json", "[3, 5, 4]")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {k: data[k] for k in ("measure", "value", "complete", "band", "reason")} == {
        "measure": "psfs", "value": 4.0, "complete": True, "band": None, "reason": None}


def test_measures_score_by_item_id_or_number(run):
    by_id = json.loads(run("measures", "score", "psfs", "--json",
                           '{"activity_1": 3, "activity_2": 5, "activity_3": 4}').output)
    by_number = json.loads(run("measures", "score", "psfs", "--json",
                               '{"1": 3, "2": 5, "3": 4}').output)
    assert by_id["value"] == by_number["value"] == 4.0


def test_measures_score_not_scorable_exits_zero(run):
    result = run("measures", "score", "nprs", "--json", "[null]")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["value"] is None and data["complete"] is False
    assert data["reason"] == "the rating was not given"


@pytest.mark.parametrize(("args", "message"), [
    (("nprs", "--json", "[1,"), "--json is not valid JSON"),
    (("nprs", "--json", '"a"'), "--json must be a JSON array"),
    (("nprs", "--json", '{"a": 1}'), "nprs has no item 'a' (items: pain)"),
    (("nprs", "--json", "[1, 2]"), "nprs takes 1 responses, got 2"),
    (("nprs", "--json", "[11]"), "nprs item 1 (pain): 11 is outside 0-10"),
    (("nprs", "--json", '["x"]'), "nprs item 1 (pain): 'x' is not a whole number"),
    (("nope", "--json", "[1]"), "unknown measure 'nope'"),
])
def test_measures_score_malformed_input_exits_2(site, args, message):
    result = CliRunner().invoke(main, ["measures", "score", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_measures_list_json(run):
    listed = json.loads(run("measures", "list", "--json").output)
    rows = {m["id"]: m for m in listed}
    assert rows["nprs"]["pack"] == "general"
    # Issue 20: the spine measures are listed once, owned by the core's general pack.
    assert sorted((m["id"], m["pack"]) for m in listed if m["id"] in ("odi", "ndi")) == [
        ("ndi", "general"), ("odi", "general")]
    assert rows["nprs"]["loinc"] == "72514-3"
    assert rows["psfs"]["items"] == 5


def test_charts_list_and_render(run, tmp_path):
    charts = {c["id"]: c for c in json.loads(run("charts", "list", "--json").output)}
    assert charts["general.body"]["views"] == ["anterior", "posterior"]
    marks = '[{"region": "anterior-knee-left", "type": "pain", "attributes": {"intensity": 4}}]'
    out = tmp_path / "body.svg"
    result = run("charts", "render", "general.body", "--marks", marks, "-o", str(out))
    assert result.exit_code == 0
    root = ET.fromstring(out.read_text())
    ids = [e.get("id") for e in root.iter() if e.get("class", "").startswith("region")]
    assert len(ids) == len(set(ids)) == charts["general.body"]["regions"]
    assert any("mark-pain" in (e.get("class") or "") for e in root.iter())


def test_charts_render_rejects_bad_marks(site):
    result = CliRunner().invoke(main, ["charts", "render", "general.body", "--marks",
                                       '[{"region": "anterior-tail", "type": "pain"}]'])
    assert result.exit_code == 2
    assert "unknown region 'anterior-tail' on chart 'general.body'" in result.stderr


def test_templates_list_and_show(run):
    rows = json.loads(run("templates", "list", "--json").output)
    assert {"id": "general.soap", "version": 1, "title": "SOAP note", "discipline": "general",
            "kind": "follow-up", "pack": "general", "fields": 8} in rows
    shown = json.loads(run("templates", "show", "general.soap", "--json").output)
    assert [s["id"] for s in shown["sections"]] == ["subjective", "objective", "assessment",
                                                    "plan"]
    assert shown["unavailable"] == {}
    text = run("templates", "show", "general.soap").output
    assert "subjective" in text and "required" in text
