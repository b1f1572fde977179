"""Vesalius podiatry pack."""
