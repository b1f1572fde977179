"""The outcome measures this pack owns, one module per measure.

Each module holds the items (our own short labels, plus the published wording only where
the measure's licence makes it free), the published scoring rule as a small
pure function, and the worked examples that prove the rule. NPRS, VAS, PSFS and the ODI are
not here: the core's default pack ``general`` provides them and our templates refer to them
(the ODI was ours up to 0.2.0; chiropractic and osteopathy use it too).
"""

from vesalius_sdk import OutcomeMeasure

from .dash import DASH
from .hoos import HOOS
from .hoos_jr import HOOS_JR
from .koos import KOOS
from .koos_jr import KOOS_JR
from .lefs import LEFS
from .quickdash import QUICKDASH
from .spadi import SPADI

MEASURES: tuple[OutcomeMeasure, ...] = (LEFS, QUICKDASH, SPADI)
# Knee, hip and the full upper-limb measures (issue 20).
MEASURES += (DASH, KOOS, KOOS_JR, HOOS, HOOS_JR)

__all__ = ["LEFS", "MEASURES", "QUICKDASH", "SPADI"]
__all__ += ["DASH", "HOOS", "HOOS_JR", "KOOS", "KOOS_JR"]
