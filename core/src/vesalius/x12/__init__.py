"""X12 5010 for US payers: 837P professional claims out (005010X222A1), 835 remittance
advice in (005010X221A1). Structure and code lists are checked by pyx12; the business
rules pyx12 leaves alone (balancing, NPI check digits, ZIP+4, diagnosis pointers, ICD-10
form) are checked here first (:mod:`vesalius.x12.checks`)."""
