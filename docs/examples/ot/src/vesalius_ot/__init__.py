"""Vesalius discipline pack: Occupational therapy."""
