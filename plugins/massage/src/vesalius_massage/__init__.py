"""Vesalius discipline pack: Massage therapy."""
