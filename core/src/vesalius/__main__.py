"""``python -m vesalius``: the same as the ``vesalius`` command."""

from .cli import main

main()
