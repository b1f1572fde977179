"""The SDK's test kit: the pack loads in a strict host and all its contributions check out."""

from __future__ import annotations

from vesalius_sdk.testing import assert_pack_conforms


def test_pack_conforms() -> None:
    assert_pack_conforms("osteo")
