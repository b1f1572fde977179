"""Packs never knock each other out: when two packs claim one id, the pack the clinic
already ran with keeps it and the newcomer is disabled naming it, whatever the names'
alphabetical order (issue 12, item 1)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from vesalius.app import create_app
from vesalius.models import PackMemory
from vesalius.plugins import build_registry, get_registry, set_registry
from vesalius.plugins.memory import precedence, remembered, set_remembered

#: A pack registering a measure under ``{id}`` (and nothing else).
MEASURE_PACK = '''
from vesalius_sdk import MeasureItem, OutcomeMeasure, hookimpl

@hookimpl
def register_measures(register):
    register(OutcomeMeasure(
        id="{id}", title="Another {id}", minimum=0, maximum=10, direction="higher-is-worse",
        licence="Generic scale, no text.",
        items=[MeasureItem(id="p", label="Pain", maximum=10)],
        scorer=lambda m, r: m.result(r[0])))
'''


def measure_pack(make_pack, name: str, measure: str) -> None:
    make_pack(name, MEASURE_PACK.replace("{id}", measure))


@pytest.fixture(autouse=True)
def no_memory():
    set_remembered(())
    yield
    set_remembered(())


def status(registry, pack: str) -> tuple[str, str | None, str | None]:
    info = registry.pack(pack)
    return info.status, info.conflict_with, info.reason


def test_aaa_registering_lefs_leaves_physio_enabled_without_a_memory(make_pack):
    """First-party packs keep their ids against unknown packs even on a first start."""
    measure_pack(make_pack, "aaa", "lefs")
    registry = build_registry()
    assert registry.pack("physio").status == "enabled"
    assert registry.owner("measure", "lefs") == "physio"
    state, other, reason = status(registry, "aaa")
    assert (state, other) == ("disabled", "physio")
    assert reason.startswith("measure id 'lefs' is already registered by pack 'physio'")


def test_aaa_registering_lefs_leaves_physio_enabled_in_a_clinic(make_pack, tmp_path):
    measure_pack(make_pack, "aaa", "lefs")
    app = create_app(f"sqlite:///{tmp_path / 'clinic.sqlite3'}", config={"VESALIUS_WEB": False})
    registry = get_registry()
    assert registry.pack("physio").status == "enabled"
    assert status(registry, "aaa")[:2] == ("disabled", "physio")
    with app.extensions["vesalius.db"].session() as session:
        memory = session.scalars(select(PackMemory.pack).order_by(PackMemory.seq)).all()
    assert memory[0] == "general" and "physio" in memory and "aaa" not in memory
    app.extensions["vesalius.db"].dispose()


def test_the_remembered_pack_wins_whatever_the_names_order(make_pack, tmp_path):
    """zzz was installed first and the clinic ran with it; aaa, installed later, claims
    zzz's measure: aaa is disabled, though it comes first by name."""
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    measure_pack(make_pack, "zzz", "shared-scale")
    first = create_app(url, config={"VESALIUS_WEB": False})
    assert get_registry().pack("zzz").status == "enabled"
    first.extensions["vesalius.db"].dispose()

    measure_pack(make_pack, "aaa", "shared-scale")
    set_registry(None)
    set_remembered(())
    second = create_app(url, config={"VESALIUS_WEB": False})
    registry = get_registry()
    assert registry.pack("zzz").status == "enabled"
    assert registry.owner("measure", "shared-scale") == "zzz"
    state, other, reason = status(registry, "aaa")
    assert (state, other) == ("disabled", "zzz")
    assert "'zzz'" in reason
    assert "zzz" in remembered() and "aaa" not in remembered()
    second.extensions["vesalius.db"].dispose()


def test_without_a_memory_unknown_packs_go_by_name(make_pack):
    """The documented fallback (docs/troubleshooting.md): by name among unknown packs."""
    measure_pack(make_pack, "zzz", "shared-scale")
    measure_pack(make_pack, "aaa", "shared-scale")
    registry = build_registry()
    assert registry.owner("measure", "shared-scale") == "aaa"
    assert status(registry, "zzz")[:2] == ("disabled", "aaa")
    # The same packs with a memory that met zzz first: zzz keeps the id.
    registry = build_registry(memory=("general", "zzz"))
    assert registry.owner("measure", "shared-scale") == "zzz"
    assert status(registry, "aaa")[:2] == ("disabled", "zzz")


def test_precedence_core_then_memory_then_first_party_then_by_name():
    from types import SimpleNamespace as P

    packs = [P(name="aaa", distribution="vesalius-aaa", default=False),
             P(name="physio", distribution="vesalius-physio", default=False),
             P(name="zzz", distribution="vtest-zzz", default=False),
             P(name="massage", distribution="vesalius-massage", default=False),
             P(name="general", distribution="vesalius", default=True)]
    assert precedence(packs) == ["general", "massage", "physio", "aaa", "zzz"]
    assert precedence(packs, ["zzz", "physio"]) == ["general", "zzz", "physio", "massage",
                                                     "aaa"]


def test_an_explicitly_set_registry_is_kept_and_remembered(tmp_path):
    chosen = build_registry(entry_points=False)
    set_registry(chosen)
    app = create_app(f"sqlite:///{tmp_path / 'c.sqlite3'}", config={"VESALIUS_WEB": False})
    assert get_registry() is chosen
    assert remembered() == ()  # read before this first start: nothing yet
    with app.extensions["vesalius.db"].session() as session:
        assert session.scalars(select(PackMemory.pack)).all() == ["general"]
    app.extensions["vesalius.db"].dispose()


def test_a_database_without_the_table_runs_without_memory(tmp_path, caplog):
    app = create_app(f"sqlite:///{tmp_path / 'old.sqlite3'}", upgrade=False,
                     config={"VESALIUS_WEB": False})
    assert get_registry().pack("general").status == "enabled"
    assert "pack memory unavailable" in caplog.text
    app.extensions["vesalius.db"].dispose()
