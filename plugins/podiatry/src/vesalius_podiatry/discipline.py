"""The discipline this pack brings."""

from vesalius_sdk import Discipline

PODIATRY = Discipline(
    id="podiatry",
    title="Podiatry",
    description="Foot and ankle care: nails, skin lesions, the at-risk and diabetic foot, "
                "biomechanics and orthoses.",
    practitioner_title="Podiatrist",
)
