"""The discipline this pack brings."""

from vesalius_sdk import Discipline

DISCIPLINE = Discipline(
    id="ot",
    title="Occupational therapy",
    description="Occupational therapy for the hand and wrist: assessment and therapy notes, "
                "a hand chart, the Boston Carpal Tunnel Questionnaire and OT billing.",
    practitioner_title="Occupational therapist",
)
