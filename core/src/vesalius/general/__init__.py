"""The core's default pack ``general``: content every clinic needs whatever its disciplines.

Written as a pack of the core (Datasette's ``DEFAULT_PLUGINS``): the host treats it like any
installed pack, so the core runs, and passes its tests, with no pack installed.
"""
