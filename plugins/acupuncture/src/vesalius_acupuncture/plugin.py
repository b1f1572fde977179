"""Hook implementations of the acupuncture pack."""
