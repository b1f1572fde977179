"""The clinic's data, whole, in open formats (no lock-in), or one patient's (an access
request): ``archive.write_export`` makes the zip."""
