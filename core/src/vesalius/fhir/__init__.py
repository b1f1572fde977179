"""FHIR R4 (4.0.1): the clinic's records as FHIR resources, built with fhir.resources' R4B
models (wire-compatible with R4 for every type served here) and never as hand-made JSON.

:mod:`.registry` is the contract: one :class:`~.registry.FhirType` per resource type says
which rows it is read from and how a batch of rows becomes resources. The read API at
``/fhir/R4/``, ``Patient/$everything``, the Bulk Data ``$export`` and the FHIR files of
``vesalius export`` all go through it.
"""
