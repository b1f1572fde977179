"""The discipline this pack brings: osteopathy."""

from vesalius_sdk import Discipline

OSTEO = Discipline(
    id="osteo",
    title="Osteopathy",
    description="Osteopathic assessment and treatment: body chart of the ten regions with "
                "TART findings and techniques, STarT Back, OMT billing by regions.",
    practitioner_title="Osteopath",
)
