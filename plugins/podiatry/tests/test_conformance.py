"""The SDK's test kit: the pack loads in strict mode beside the core's default pack, and
every template, chart, measure and charge rule passes the host's checks."""

from vesalius_sdk.testing import assert_pack_conforms


def test_podiatry_conforms() -> None:
    assert_pack_conforms("podiatry")
