"""The outcome measures this pack owns, one module per measure.

Each module holds the items (our own short labels, plus the published wording only where
the measure's licence makes it free), the published scoring rule as a small
pure function, and the worked examples that prove the rule. NPRS, VAS, PSFS and the ODI are
not here: the core's default pack ``general`` provides them and our templates refer to them
(the ODI was ours up to 0.2.0; chiropractic and osteopathy use it too).
"""

from vesalius_sdk import OutcomeMeasure

from .lefs import LEFS
from .quickdash import QUICKDASH
from .spadi import SPADI

MEASURES: tuple[OutcomeMeasure, ...] = (LEFS, QUICKDASH, SPADI)

__all__ = ["LEFS", "MEASURES", "QUICKDASH", "SPADI"]
