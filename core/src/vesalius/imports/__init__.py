"""Importing a clinic's patients and appointments from CSV files (the exports of the system
it leaves): column presets (``presets``), reading and checking rows (``rows``), and the
all-or-nothing runs keyed by external id (``patients``, ``appointments``)."""
