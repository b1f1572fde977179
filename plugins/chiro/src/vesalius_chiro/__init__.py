"""Vesalius chiro pack."""
