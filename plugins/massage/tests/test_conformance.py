"""The whole pack against the SDK's conformance checks, with the real host in strict mode."""

from vesalius_sdk.testing import assert_pack_conforms


def test_pack_conforms():
    assert_pack_conforms("massage")


def test_pack_is_enabled_with_its_contributions(vesalius_registry):
    registry = vesalius_registry("massage")
    info = registry.pack("massage")
    assert info.status == "enabled", info.reason
    assert info.distribution == "vesalius-massage"
    assert registry.owner("template", "massage.treatment") == "massage"
    assert registry.owner("template", "massage.intake") == "massage"
    assert registry.owner("chart", "massage.muscles") == "massage"
    assert registry.owner("measure", "pgic") == "massage"
