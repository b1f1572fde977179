"""Vesalius physio pack."""
