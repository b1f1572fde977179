"""Hook implementations of the physio pack."""
