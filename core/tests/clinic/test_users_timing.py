"""Login does the same password work for unknown accounts (no account enumeration by time)."""

from __future__ import annotations

from unittest import mock

import pytest
from vesalius.errors import Unauthorized
from vesalius.services import users


def test_unknown_account_spends_a_password_check():
    session = mock.Mock()
    session.scalar.return_value = None
    hasher = mock.Mock(wraps=users._hasher)
    with mock.patch.object(users, "_hasher", hasher), \
            pytest.raises(Unauthorized, match="wrong e-mail or password"):
        users.authenticate(session, "nobody@example.org", "guess")
    hasher.verify.assert_called_once()
    assert hasher.verify.call_args.args[0] == users.dummy_hash()
