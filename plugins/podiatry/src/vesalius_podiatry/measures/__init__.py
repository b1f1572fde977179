"""Outcome measures of the podiatry pack, one module per measure."""

from vesalius_sdk import OutcomeMeasure

from .faam_adl import FAAM_ADL
from .faam_sports import FAAM_SPORTS
from .ffi import FFI

MEASURES: tuple[OutcomeMeasure, ...] = (FAAM_ADL, FAAM_SPORTS, FFI)

__all__ = ["FAAM_ADL", "FAAM_SPORTS", "FFI", "MEASURES"]
