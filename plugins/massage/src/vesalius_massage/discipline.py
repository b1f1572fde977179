"""The discipline this pack brings."""

from vesalius_sdk import Discipline

DISCIPLINE = Discipline(
    id="massage",
    title="Massage therapy",
    description="Massage therapy: intake with a contraindication screen, treatment notes with "
                "a muscle map and a timed treatment log, and billing by the 8-minute rule.",
    practitioner_title="Massage therapist",
)
