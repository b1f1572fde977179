"""Vesalius acupuncture pack."""
