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
    # The common measures its templates use belong to the core's general pack.
    assert registry.owner("measure", "pgic") == "general"
    assert registry.owner("measure", "nprs") == "general"
    assert not registry.contributions("massage")["measure"]
    assert registry.unavailable_fields("massage.treatment") == {}


def test_entry_point_names_the_declared_pack():
    from importlib.metadata import entry_points

    from vesalius_massage.plugin import pack
    from vesalius_sdk import Pack

    [ep] = [e for e in entry_points(group="vesalius.plugins") if e.name == "massage"]
    assert ep.value == "vesalius_massage.plugin:pack"
    assert isinstance(ep.load(), Pack) and ep.load() is pack
    assert pack.hooks == ("register_disciplines", "register_note_templates",
                          "register_charts", "register_billing_codes", "validate_note",
                          "charge_lines")
