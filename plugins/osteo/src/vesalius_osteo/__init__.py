"""Vesalius osteo pack."""
