"""The core's default pack passes the same conformance checks as any pack."""

from vesalius_sdk.testing import assert_pack_conforms, pack_problems


def test_general_pack_conforms():
    assert_pack_conforms("general")


def test_kit_reports_a_pack_that_is_not_installed():
    assert pack_problems("no-such-pack") == [
        "does not load in strict mode: pack(s) not installed: no-such-pack"]
