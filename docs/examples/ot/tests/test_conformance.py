"""The whole pack against the SDK's conformance checks, with the real host in strict mode."""

from vesalius_sdk.testing import assert_pack_conforms


def test_pack_conforms():
    assert_pack_conforms("ot")


def test_pack_is_enabled_with_its_contributions(vesalius_registry):
    registry = vesalius_registry("ot")
    info = registry.pack("ot")
    assert info.status == "enabled", info.reason
    assert info.distribution == "vesalius-ot"
    assert registry.owner("template", "ot.hand-assessment") == "ot"
    assert registry.owner("template", "ot.hand-therapy-visit") == "ot"
    assert registry.owner("chart", "ot.hands") == "ot"
    assert registry.owner("measure", "ot-bctq") == "ot"
    # NPRS is the core's, used by id: present, not registered again.
    assert registry.owner("measure", "nprs") == "general"
    assert registry.unavailable_fields("ot.hand-assessment") == {}
