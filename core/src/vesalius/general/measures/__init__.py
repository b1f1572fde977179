"""The common measures: the ones every discipline may put in its templates by id.

They live here, in the core's default pack, so that a clinic has them whichever discipline
packs it installs, and so that no discipline pack registers them (a measure id has one owner
per installation): ``MeasureField(measure="odi", pack="general")`` in a chiropractic template
scores the same ODI, and joins the same trend, as the one in a physiotherapy template.
Stored notes and results refer to measures by id: the ids never change.

- :mod:`.generic`: NPRS, VAS, PSFS and PGIC, for any complaint.
- :mod:`.odi` and :mod:`.ndi`: the spine measures of physiotherapy, chiropractic and
  osteopathy (in the physio and chiro packs up to their 0.2.0).
"""

from __future__ import annotations

from .generic import NPRS, PGIC, PSFS, VAS
from .ndi import NDI
from .odi import ODI

ALL = (NPRS, VAS, PSFS, PGIC, ODI, NDI)

__all__ = ["ALL", "NDI", "NPRS", "ODI", "PGIC", "PSFS", "VAS"]
