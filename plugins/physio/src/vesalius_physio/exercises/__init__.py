"""Exercise prescription: a library of common exercises and the printable home programme."""

from .library import FREQUENCIES, LIBRARY, REGIONS, Dosage, Exercise, exercise
from .programme import render_home_programme

__all__ = ["FREQUENCIES", "LIBRARY", "REGIONS", "Dosage", "Exercise", "exercise",
           "render_home_programme"]
