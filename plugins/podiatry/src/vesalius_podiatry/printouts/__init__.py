"""Printable documents of the podiatry pack."""

from .orthotic import ORTHOTIC_PRESCRIPTION, render_orthotic_prescription

PRINTOUTS = (ORTHOTIC_PRESCRIPTION,)

__all__ = ["ORTHOTIC_PRESCRIPTION", "PRINTOUTS", "render_orthotic_prescription"]
