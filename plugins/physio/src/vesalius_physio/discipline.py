"""The discipline this pack brings: physiotherapy (physical therapy)."""

from vesalius_sdk import Discipline

PHYSIO = Discipline(
    id="physio",
    title="Physiotherapy",
    description=(
        "Assessment and treatment of musculoskeletal and movement problems: examination, "
        "exercise prescription, manual therapy, education and electrophysical agents."
    ),
    practitioner_title="Physiotherapist",
)
