"""Hook implementations of the chiro pack."""
