"""Hook implementations of the osteo pack."""
