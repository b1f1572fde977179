"""The discipline this pack brings."""

from vesalius_sdk import Discipline

DISCIPLINE = Discipline(
    id="massage",
    title="Massage therapy",
    description="Massage therapy: treatment notes, a chart, an outcome measure and billing.",
)
