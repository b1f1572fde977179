"""The discipline this pack brings: chiropractic."""

from vesalius_sdk import Discipline

CHIRO = Discipline(
    id="chiro",
    title="Chiropractic",
    description="Spinal and extraspinal adjustment: spine chart with Gonstead listings, CMT "
                "billing by regions, NDI, Bournemouth and Roland-Morris.",
    practitioner_title="Chiropractor",
)
