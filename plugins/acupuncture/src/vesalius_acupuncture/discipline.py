"""The discipline this pack brings."""

from vesalius_sdk import Discipline

ACUPUNCTURE = Discipline(
    id="acupuncture",
    title="Acupuncture",
    description="Acupuncture and East Asian medicine: intake with tongue and pulse, pattern "
                "differentiation, points needled on a meridian chart, adjunct therapies.",
    practitioner_title="Acupuncturist",
)
