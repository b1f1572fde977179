"""Where each point is drawn: its view and position, built along each meridian's course.

Positions are in model coordinates (the frame of figures.py, which carries them onto the
SDK's shared figures) and follow the standard locations in cun between landmarks (elbow
crease to wrist 12 cun, umbilicus to pubic symphysis 5 cun, knee to ankle 16 cun, ...), so
that LI4 is on the hand, ST36 below the knee, BL points along the back, GV on the posterior
and CV on the anterior midline. They are plausible, not surveyed:
close points are nudged apart so that each stays clickable. Every point is drawn once, on
the patient's left side (the bilateral extra points EX-B1 and EX-B2 on the right, to keep
the spine clear), in the view where it is best seen.
"""

from __future__ import annotations

from itertools import pairwise

from .geometry import Point, cun, lerp

FRONT, BACK, SIDE = "front", "back", "side"
MID = 150.0

# ---------------------------------------------------------------------------------------
# Landmarks (model coordinates).
# ---------------------------------------------------------------------------------------

# Front torso: intercostal spaces and the abdomen in cun from the umbilicus.
ICS = {1: 158.0, 2: 172.0, 3: 187.0, 4: 203.0, 5: 218.0, 6: 232.0, 7: 245.0}
UMBILICUS = 306.0
UPPER_CUN = (UMBILICUS - ICS[5]) / 8  # xiphisternal junction to umbilicus = 8 cun
LOWER_CUN = 11.0  # umbilicus to pubic symphysis = 5 cun


def above_navel(n: float) -> float:
    return UMBILICUS - n * UPPER_CUN


def below_navel(n: float) -> float:
    return UMBILICUS + n * LOWER_CUN


# Back: the spinous processes; "below X" is halfway to the next one.
SPINE = {"C7": 128.0, **{f"T{i}": 139.0 + 11 * (i - 1) for i in range(1, 13)},
         **{f"L{i}": 272.0 + 12 * (i - 1) for i in range(1, 6)}}
SACRAL_FORAMEN = {1: 334.0, 2: 344.0, 3: 354.0, 4: 364.0}


def below(vertebra: str) -> float:
    return SPINE[vertebra] + 5.5


# Front arm (the patient's left, palm forward).
ELBOW = {"lu": (246.0, 288.0), "pc": (238.0, 288.0), "ht": (226.0, 290.0)}
WRIST = {"lu": (258.0, 392.0), "pc": (250.0, 392.0), "ht": (242.0, 392.0)}

# Side arm (thumb forward): the radial edge is towards the front (left).
S_LI11, S_LI5 = (138.0, 288.0), (138.0, 390.0)
S_TE4, S_OLECRANON = (147.0, 391.0), (161.0, 288.0)

# Lower limb, front view: knee joint line to medial malleolus 13 cun (medial side), knee
# eye (ST35) to ankle crease (ST41) 16 cun.
KNEE_LINE, MEDIAL_MALLEOLUS = 568.0, 722.0
MEDIAL_CUN = (MEDIAL_MALLEOLUS - KNEE_LINE) / 13
ST35, ST41 = (190.0, 566.0), (183.0, 718.0)
# Side view leg: popliteal crease to lateral malleolus 16 cun.
S_POPLITEAL, S_MALLEOLUS = 566.0, 724.0
S_LEG_CUN = (S_MALLEOLUS - S_POPLITEAL) / 16
# Back view leg: gluteal fold to popliteal crease 14 cun.
B_GLUTEAL, B_POPLITEAL = 398.0, 565.0
B_THIGH_CUN = (B_POPLITEAL - B_GLUTEAL) / 14
# Back view leg: popliteal crease to the lateral malleolus 16 cun.
B_LEG_CUN = (722.0 - B_POPLITEAL) / 16

Positions = dict[str, tuple[str, Point]]


def _run(view: str, prefix: str, start: int, points: list[Point]) -> Positions:
    return {f"{prefix}{start + i}": (view, p) for i, p in enumerate(points)}


def lung() -> Positions:
    lu = {
        "LU1": (FRONT, (205.0, 159.0)),
        "LU2": (FRONT, (206.0, 148.0)),
        "LU3": (FRONT, (244.0, 217.0)),
        "LU4": (FRONT, (246.0, 229.0)),
        "LU5": (FRONT, ELBOW["lu"]),
    }
    for name, at in (("LU6", 5.0), ("LU8", 11.0)):
        lu[name] = (FRONT, cun(ELBOW["lu"], WRIST["lu"], 12, at))
    lu["LU7"] = (FRONT, (262.0, 378.0))  # on the radial styloid, just off the line
    lu["LU9"] = (FRONT, WRIST["lu"])
    lu["LU10"] = (FRONT, (262.0, 410.0))
    lu["LU11"] = (FRONT, (272.0, 436.0))
    return lu


def large_intestine() -> Positions:
    li: Positions = {
        "LI1": (SIDE, (138.5, 463.0)),
        "LI2": (SIDE, (139.0, 440.0)),
        "LI3": (SIDE, (139.0, 427.0)),
        "LI4": (SIDE, (138.0, 412.0)),
        "LI5": (SIDE, S_LI5),
    }
    for name, at in (("LI6", 3.0), ("LI7", 5.0), ("LI8", 8.0), ("LI9", 9.0), ("LI10", 10.0)):
        li[name] = (SIDE, cun(S_LI5, S_LI11, 12, at))
    li["LI11"] = (SIDE, S_LI11)
    li["LI12"] = (SIDE, (144.0, 277.0))
    li["LI13"] = (SIDE, (139.0, 252.0))
    li["LI14"] = (SIDE, (140.0, 205.0))
    li["LI15"] = (SIDE, (142.0, 152.0))
    li["LI16"] = (BACK, (86.0, 148.0))
    li["LI17"] = (SIDE, (153.0, 131.0))
    li["LI18"] = (SIDE, (146.0, 122.0))
    li["LI19"] = (FRONT, (155.0, 90.0))
    li["LI20"] = (FRONT, (157.5, 82.0))
    return li


def stomach() -> Positions:
    st: Positions = {
        "ST1": (FRONT, (164.0, 69.5)),
        "ST2": (FRONT, (164.0, 76.0)),
        "ST3": (FRONT, (164.5, 83.5)),
        "ST4": (FRONT, (163.0, 97.0)),
        "ST5": (SIDE, (134.0, 106.0)),
        "ST6": (SIDE, (143.0, 97.0)),
        "ST7": (SIDE, (139.0, 77.0)),
        "ST8": (FRONT, (177.0, 36.0)),
        "ST9": (FRONT, (162.0, 121.0)),
        "ST10": (FRONT, (162.5, 128.5)),
        "ST11": (FRONT, (160.0, 136.0)),
        "ST12": (FRONT, (188.0, 140.0)),
        "ST13": (FRONT, (188.0, 148.0)),
    }
    for i, ics in enumerate((1, 2, 3, 4, 5)):
        st[f"ST{14 + i}"] = (FRONT, (188.0, ICS[ics]))
    for i, n in enumerate((6, 5, 4, 3, 2, 1)):
        st[f"ST{19 + i}"] = (FRONT, (170.0, above_navel(n)))
    st["ST25"] = (FRONT, (170.0, UMBILICUS))
    for i, n in enumerate((1, 2, 3, 4, 5)):
        st[f"ST{26 + i}"] = (FRONT, (170.0, below_navel(n)))
    # thigh: ST31 below the ASIS at the level of the perineum, ST32-34 above the patella
    patella_top = 532.0
    st["ST31"] = (FRONT, (197.0, 380.0))
    st["ST32"] = (FRONT, (195.0, patella_top - 6 * 11))
    st["ST33"] = (FRONT, (194.0, patella_top - 3 * 11))
    st["ST34"] = (FRONT, (194.5, patella_top - 2 * 11))
    st["ST35"] = (FRONT, ST35)
    for name, at in (("ST36", 3.0), ("ST37", 6.0), ("ST38", 8.0), ("ST39", 9.0)):
        st[name] = (FRONT, cun(ST35, ST41, 16, at))
    x38, y38 = st["ST38"][1]
    st["ST40"] = (FRONT, (x38 + 7.0, y38))  # one finger-breadth lateral to ST38
    st["ST41"] = (FRONT, ST41)
    st["ST42"] = (FRONT, (196.0, 737.0))
    st["ST43"] = (FRONT, (210.0, 758.0))
    st["ST44"] = (FRONT, (211.0, 768.0))
    st["ST45"] = (FRONT, (213.5, 776.5))
    return st


def spleen() -> Positions:
    sp: Positions = {
        "SP1": (FRONT, (200.5, 781.5)),
        "SP2": (FRONT, (189.0, 772.0)),
        "SP3": (FRONT, (181.0, 763.0)),
        "SP4": (FRONT, (172.0, 753.0)),
        "SP5": (FRONT, (167.0, 731.0)),
        "SP6": (FRONT, (160.0, MEDIAL_MALLEOLUS - 3 * MEDIAL_CUN)),
        "SP7": (FRONT, (161.0, MEDIAL_MALLEOLUS - 6 * MEDIAL_CUN)),
    }
    sp9 = (164.0, KNEE_LINE + 16.0)
    sp["SP8"] = (FRONT, (163.0, sp9[1] + 3 * MEDIAL_CUN))
    sp["SP9"] = (FRONT, sp9)
    sp["SP10"] = (FRONT, (167.0, 522.0))
    sp["SP11"] = (FRONT, (165.0, 522.0 - 6 * 10.5))
    sp["SP12"] = (FRONT, (186.0, 366.0))
    sp["SP13"] = (FRONT, (192.0, 355.0))
    sp["SP14"] = (FRONT, (188.0, below_navel(1.3)))
    sp["SP15"] = (FRONT, (188.0, UMBILICUS))
    sp["SP16"] = (FRONT, (188.0, above_navel(3)))
    for i, ics in enumerate((5, 4, 3, 2)):
        sp[f"SP{17 + i}"] = (FRONT, (203.0, ICS[ics]))
    sp["SP21"] = (FRONT, (208.0, ICS[6] + 1))
    return sp


def heart() -> Positions:
    ht: Positions = {
        "HT1": (FRONT, (216.0, 184.0)),
        "HT2": (FRONT, (229.0, 253.0)),
        "HT3": (FRONT, ELBOW["ht"]),
    }
    for name, at in (("HT4", 10.5), ("HT5", 11.0), ("HT6", 11.5)):
        ht[name] = (FRONT, cun(ELBOW["ht"], WRIST["ht"], 12, at))
    ht["HT7"] = (FRONT, WRIST["ht"])
    ht["HT8"] = (FRONT, (245.0, 421.0))
    ht["HT9"] = (FRONT, (245.5, 460.0))
    return ht


def small_intestine() -> Positions:
    return {
        "SI1": (SIDE, (156.0, 458.0)),
        "SI2": (SIDE, (158.0, 433.0)),
        "SI3": (SIDE, (158.5, 423.0)),
        "SI4": (SIDE, (158.5, 405.0)),
        "SI5": (SIDE, (157.0, 393.0)),
        "SI6": (SIDE, (158.0, 382.0)),
        "SI7": (SIDE, (161.0, 348.0)),
        "SI8": (SIDE, (165.5, 292.0)),
        "SI9": (BACK, (94.0, 190.0)),
        "SI10": (BACK, (92.0, 164.0)),
        "SI11": (BACK, (106.0, 184.0)),
        "SI12": (BACK, (101.0, 153.0)),
        "SI13": (BACK, (112.0, 160.0)),
        "SI14": (BACK, (120.0, below("T1"))),
        "SI15": (BACK, (130.0, below("C7"))),
        "SI16": (SIDE, (156.0, 122.0)),
        "SI17": (SIDE, (153.0, 104.0)),
        "SI18": (SIDE, (125.0, 82.0)),
        "SI19": (SIDE, (150.0, 71.5)),
    }


def bladder() -> Positions:
    bl: Positions = {
        "BL1": (FRONT, (157.0, 64.0)),
        "BL2": (FRONT, (157.5, 56.0)),
        "BL3": (FRONT, (155.5, 30.5)),
        "BL4": (FRONT, (161.0, 31.0)),
    }
    # scalp: BL5-8 on a line 1.5 cun from the midline, 1, 2.5, 4 and 5.5 cun behind the
    # anterior hairline (seen from the side, below the midline contour)
    for name, at in (("BL5", 1.0), ("BL6", 2.5), ("BL7", 4.0), ("BL8", 5.5)):
        bl[name] = (SIDE, _scalp(at, inset=11.0))
    bl["BL9"] = (BACK, (138.0, 72.0))
    bl["BL10"] = (BACK, (138.0, 97.0))
    inner, outer = MID - 15, MID - 30
    thoracic = ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T9", "T10", "T11", "T12")
    for i, v in enumerate((*thoracic, "L1", "L2", "L3", "L4", "L5")):
        bl[f"BL{11 + i}"] = (BACK, (inner, below(v)))
    for i in range(4):
        bl[f"BL{27 + i}"] = (BACK, (inner - 1, SACRAL_FORAMEN[i + 1]))
        bl[f"BL{31 + i}"] = (BACK, (MID - 8, SACRAL_FORAMEN[i + 1]))
    bl["BL35"] = (BACK, (MID - 6, 384.0))
    bl["BL36"] = (BACK, (120.0, B_GLUTEAL))
    bl["BL37"] = (BACK, (120.0, B_GLUTEAL + 6 * B_THIGH_CUN))
    bl["BL38"] = (BACK, (106.0, B_POPLITEAL - 12))
    bl["BL39"] = (BACK, (106.0, B_POPLITEAL))
    bl["BL40"] = (BACK, (120.0, B_POPLITEAL))
    for i, v in enumerate(("T2", "T3", "T4", "T5", "T6", "T7", "T9", "T10", "T11", "T12",
                           "L1", "L2")):
        bl[f"BL{41 + i}"] = (BACK, (outer, below(v)))
    bl["BL53"] = (BACK, (outer, SACRAL_FORAMEN[2]))
    bl["BL54"] = (BACK, (outer, SACRAL_FORAMEN[4]))
    calf = B_LEG_CUN
    bl["BL55"] = (BACK, (120.0, B_POPLITEAL + 2 * calf))
    bl["BL56"] = (BACK, (120.0, B_POPLITEAL + 5 * calf))
    bl["BL57"] = (BACK, (120.0, B_POPLITEAL + 8 * calf))
    bl["BL58"] = (BACK, (110.0, B_POPLITEAL + 9 * calf))
    bl["BL59"] = (BACK, (112.0, 692.0))
    bl["BL60"] = (BACK, (114.0, 721.0))
    bl.update(_run(SIDE, "BL", 61, [
        (170.0, 753.0), (160.0, 741.0), (148.0, 751.0), (136.0, 777.0), (121.0, 780.0),
        (112.0, 782.0), (103.5, 781.0),
    ]))
    return bl


def kidney() -> Positions:
    ki: Positions = {
        "KI1": (SIDE, (128.0, 788.0)),
        "KI2": (FRONT, (164.0, 742.0)),
        "KI3": (FRONT, (156.0, 714.0)),
        "KI4": (FRONT, (155.5, 723.0)),
        "KI5": (FRONT, (158.0, 731.5)),
        "KI6": (FRONT, (162.0, 724.0)),
        "KI7": (FRONT, (156.0, MEDIAL_MALLEOLUS - 2 * MEDIAL_CUN)),
        "KI8": (FRONT, (162.5, MEDIAL_MALLEOLUS - 2 * MEDIAL_CUN)),
        "KI9": (FRONT, (156.0, MEDIAL_MALLEOLUS - 5 * MEDIAL_CUN)),
        "KI10": (FRONT, (156.0, KNEE_LINE + 3)),
    }
    ki["KI11"] = (FRONT, (158.0, below_navel(5)))
    for i, n in enumerate((4, 3, 2, 1)):
        ki[f"KI{12 + i}"] = (FRONT, (158.0, below_navel(n)))
    ki["KI16"] = (FRONT, (158.0, UMBILICUS))
    for i, n in enumerate((2, 3, 4, 5, 6)):
        ki[f"KI{17 + i}"] = (FRONT, (158.0, above_navel(n)))
    for i, ics in enumerate((5, 4, 3, 2, 1)):
        ki[f"KI{22 + i}"] = (FRONT, (169.0, ICS[ics]))
    ki["KI27"] = (FRONT, (169.0, 145.0))
    return ki


def pericardium() -> Positions:
    pc: Positions = {
        "PC1": (FRONT, (196.0, ICS[4])),
        "PC2": (FRONT, (234.0, 206.0)),
        "PC3": (FRONT, ELBOW["pc"]),
    }
    for name, at in (("PC4", 7.0), ("PC5", 9.0), ("PC6", 10.0)):
        pc[name] = (FRONT, cun(ELBOW["pc"], WRIST["pc"], 12, at))
    pc["PC7"] = (FRONT, WRIST["pc"])
    pc["PC8"] = (FRONT, (254.0, 423.0))
    pc["PC9"] = (FRONT, (257.5, 470.0))
    return pc


def triple_energizer() -> Positions:
    te: Positions = {
        "TE1": (SIDE, (150.0, 462.0)),
        "TE2": (SIDE, (152.0, 439.0)),
        "TE3": (SIDE, (151.0, 422.0)),
        "TE4": (SIDE, S_TE4),
    }
    for name, at in (("TE5", 2.0), ("TE6", 3.0), ("TE8", 4.0), ("TE9", 7.0)):
        te[name] = (SIDE, cun(S_TE4, S_OLECRANON, 12, at))
    x6, y6 = te["TE6"][1]
    te["TE7"] = (SIDE, (x6 + 6.5, y6))  # ulnar side of TE6
    te["TE10"] = (SIDE, (161.0, 276.0))
    te["TE11"] = (SIDE, (161.0, 264.0))
    te["TE12"] = (SIDE, (160.0, 228.0))
    te["TE13"] = (SIDE, (161.0, 182.0))
    te["TE14"] = (SIDE, (159.0, 152.0))
    te["TE15"] = (BACK, (110.0, 151.0))
    te["TE16"] = (SIDE, (164.0, 100.0))
    te["TE17"] = (SIDE, (165.0, 87.0))
    te["TE18"] = (SIDE, (169.5, 76.0))
    te["TE19"] = (SIDE, (169.0, 64.0))
    te["TE20"] = (SIDE, (162.0, 52.0))
    te["TE21"] = (SIDE, (151.0, 64.5))
    te["TE22"] = (SIDE, (143.0, 62.0))
    te["TE23"] = (FRONT, (176.5, 53.5))
    return te


def gallbladder() -> Positions:
    gb: Positions = {
        "GB1": (FRONT, (177.5, 64.0)),
        "GB2": (SIDE, (150.5, 78.5)),
        "GB3": (SIDE, (137.0, 67.0)),
    }
    # temple: GB4-6 evenly between ST8 (corner of the hairline) and GB7 (front of the ear)
    st8, gb7 = (124.0, 36.0), (149.0, 57.0)
    for i in range(3):
        gb[f"GB{4 + i}"] = (SIDE, lerp(st8, gb7, (i + 1) / 4))
    gb["GB7"] = (SIDE, gb7)
    gb["GB8"] = (SIDE, (162.0, 43.0))
    gb["GB9"] = (SIDE, (171.0, 46.0))
    gb["GB10"] = (SIDE, (177.0, 57.0))
    gb["GB11"] = (SIDE, (177.5, 70.0))
    gb["GB12"] = (SIDE, (174.0, 88.0))
    gb["GB13"] = (FRONT, (172.0, 33.5))
    gb["GB14"] = (FRONT, (166.0, 46.0))
    gb["GB15"] = (FRONT, (166.5, 32.0))
    for name, at in (("GB16", 1.5), ("GB17", 2.5), ("GB18", 4.0)):
        gb[name] = (SIDE, _scalp(at + 0.5, inset=21.0))
    gb["GB19"] = (BACK, (127.0, 75.0))
    gb["GB20"] = (BACK, (127.0, 90.0))
    gb["GB21"] = (BACK, (113.0, 140.0))
    gb["GB22"] = (FRONT, (209.5, 206.0))
    gb["GB23"] = (FRONT, (209.0, 221.0))
    gb["GB24"] = (FRONT, (188.0, ICS[7]))
    gb["GB25"] = (BACK, (100.0, 270.0))
    gb["GB26"] = (FRONT, (201.0, UMBILICUS))
    gb["GB27"] = (FRONT, (200.0, below_navel(3)))
    gb["GB28"] = (FRONT, (196.0, below_navel(3.7)))
    gb["GB29"] = (FRONT, (208.0, 360.0))
    gb["GB30"] = (BACK, (106.0, 371.0))
    # lateral thigh, greater trochanter (372) to the popliteal crease 19 cun
    thigh = (S_POPLITEAL - 372.0) / 19
    gb["GB31"] = (SIDE, (157.0, S_POPLITEAL - 7 * thigh))
    gb["GB32"] = (SIDE, (157.0, S_POPLITEAL - 5 * thigh))
    gb["GB33"] = (SIDE, (158.0, S_POPLITEAL - 14))
    gb["GB34"] = (SIDE, (154.0, 590.0))
    gb["GB35"] = (SIDE, (162.0, S_MALLEOLUS - 7 * S_LEG_CUN))
    for name, at in (("GB36", 7.0), ("GB37", 5.0), ("GB38", 4.0), ("GB39", 3.0)):
        gb[name] = (SIDE, (152.0, S_MALLEOLUS - at * S_LEG_CUN))
    gb.update(_run(SIDE, "GB", 40, [
        (150.0, 732.0), (131.0, 753.0), (123.0, 760.0), (114.0, 768.0), (105.5, 773.0),
    ]))
    return gb


def liver() -> Positions:
    return {
        "LR1": (FRONT, (207.5, 777.0)),
        "LR2": (FRONT, (204.0, 768.0)),
        "LR3": (FRONT, (198.0, 758.0)),
        "LR4": (FRONT, (174.0, 725.0)),
        "LR5": (FRONT, (167.5, MEDIAL_MALLEOLUS - 5 * MEDIAL_CUN)),
        "LR6": (FRONT, (168.0, MEDIAL_MALLEOLUS - 7 * MEDIAL_CUN)),
        "LR7": (FRONT, (157.0, KNEE_LINE + 18.0)),
        "LR8": (FRONT, (163.5, KNEE_LINE - 2.0)),
        "LR9": (FRONT, (160.0, 504.0)),
        "LR10": (FRONT, (172.0, below_navel(5) + 33.0)),
        "LR11": (FRONT, (174.0, below_navel(5) + 22.0)),
        "LR12": (FRONT, (177.0, below_navel(5) + 7.0)),
        "LR13": (FRONT, (201.0, above_navel(2))),
        "LR14": (FRONT, (188.0, ICS[6])),
    }


def governing_vessel() -> Positions:
    gv: Positions = {
        "GV1": (BACK, (MID, 382.0)),
        "GV2": (BACK, (MID, 372.0)),
        "GV3": (BACK, (MID, below("L4"))),
        "GV4": (BACK, (MID, below("L2"))),
        "GV5": (BACK, (MID, below("L1"))),
    }
    for i, v in enumerate(("T11", "T10", "T9")):
        gv[f"GV{6 + i}"] = (BACK, (MID, below(v)))
    for i, v in enumerate(("T7", "T6", "T5")):
        gv[f"GV{9 + i}"] = (BACK, (MID, below(v)))
    gv["GV12"] = (BACK, (MID, below("T3")))
    gv["GV13"] = (BACK, (MID, below("T1")))
    gv["GV14"] = (BACK, (MID, below("C7")))
    gv["GV15"] = (BACK, (MID, 97.0))
    gv["GV16"] = (BACK, (MID, 89.0))
    gv["GV17"] = (BACK, (MID, 73.0))
    # head midline, seen from the side: cun behind the anterior hairline
    for name, at in (("GV18", 8.0), ("GV19", 6.5), ("GV20", 5.0), ("GV21", 3.5),
                     ("GV22", 2.0), ("GV23", 1.0)):
        gv[name] = (SIDE, _scalp(at, inset=2.5))
    gv["GV24"] = (FRONT, (MID, 30.0))
    gv["GV25"] = (SIDE, (104.5, 78.0))
    gv["GV26"] = (SIDE, (108.5, 84.5))
    gv["GV27"] = (SIDE, (109.0, 89.5))
    gv["GV28"] = (SIDE, (111.5, 93.5))
    return gv


def conception_vessel() -> Positions:
    cv: Positions = {"CV1": (FRONT, (MID, 382.0))}
    for i, n in enumerate((5, 4, 3, 2, 1.5, 1)):
        cv[f"CV{2 + i}"] = (FRONT, (MID, below_navel(n)))
    cv["CV8"] = (FRONT, (MID, UMBILICUS))
    for i, n in enumerate((1, 2, 3, 4, 5, 6, 7)):
        cv[f"CV{9 + i}"] = (FRONT, (MID, above_navel(n)))
    for i, ics in enumerate((5, 4, 3, 2, 1)):
        cv[f"CV{16 + i}"] = (FRONT, (MID, ICS[ics]))
    cv["CV21"] = (FRONT, (MID, 146.0))
    cv["CV22"] = (FRONT, (MID, 137.0))
    cv["CV23"] = (SIDE, (135.5, 120.0))
    cv["CV24"] = (SIDE, (113.5, 103.0))
    return cv


def extra_points() -> Positions:
    return {
        "EX-HN1": (SIDE, _scalp(4.2, inset=6.5)),
        "EX-HN3": (FRONT, (MID, 57.0)),
        "EX-HN4": (FRONT, (166.0, 54.5)),
        "EX-HN5": (SIDE, (130.0, 57.0)),
        "EX-B1": (BACK, (MID + 5.5, below("C7"))),
        "EX-B7": (BACK, (115.0, below("L4"))),
        "EX-B8": (BACK, (MID, below("L5"))),
        "EX-CA1": (FRONT, (181.0, below_navel(4))),
        "EX-UE7": (SIDE, (145.0, 411.0)),
        "EX-UE9": (SIDE, (145.5, 432.0)),
        "EX-UE10": (FRONT, (251.0, 449.0)),
        "EX-UE11": (FRONT, (263.0, 462.0)),
        "EX-LE4": (FRONT, (171.0, 566.0)),
        "EX-LE6": (SIDE, (154.0, 608.0)),
        "EX-LE7": (FRONT, (190.5, cun(ST35, ST41, 16, 5.0)[1])),
        "EX-LE10": (FRONT, (218.0, 762.0)),
    }


#: EX-B2 Jiaji is a column of 17 pairs: drawn as one narrow strip beside the spine.
JIAJI = (MID + 5.5, below("T1"), below("L5"))

# The head contour seen from the side, from the anterior hairline over the vertex to the
# posterior hairline (12 cun), used to place points on and beside the head midline.
_HEAD = [(117.0, 28.0), (124.0, 22.0), (138.0, 16.0), (155.0, 14.0), (170.0, 17.0),
         (181.0, 22.0), (191.0, 33.0), (197.0, 46.0), (198.5, 62.0), (198.0, 76.0),
         (194.0, 89.0), (190.0, 97.0)]


def _scalp(at_cun: float, inset: float) -> Point:
    """A point ``at_cun`` behind the anterior hairline, ``inset`` units inside the contour."""
    lengths = [0.0]
    for a, b in pairwise(_HEAD):
        lengths.append(lengths[-1] + ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5)
    target = lengths[-1] * at_cun / 12
    for i in range(len(_HEAD) - 1):
        if lengths[i + 1] >= target:
            a, b = _HEAD[i], _HEAD[i + 1]
            t = (target - lengths[i]) / (lengths[i + 1] - lengths[i])
            x, y = lerp(a, b, t)
            dx, dy = b[0] - a[0], b[1] - a[1]
            norm = (dx * dx + dy * dy) ** 0.5
            # the inward normal of a clockwise contour
            return (round(x - dy / norm * inset, 1), round(y + dx / norm * inset, 1))
    raise ValueError(f"{at_cun} cun is beyond the posterior hairline")


def positions() -> Positions:
    """Every point's view and model position, by standard code."""
    out: Positions = {}
    for part in (lung, large_intestine, stomach, spleen, heart, small_intestine, bladder,
                 kidney, pericardium, triple_energizer, gallbladder, liver,
                 governing_vessel, conception_vessel, extra_points):
        out.update(part())
    return out


#: How each meridian's line is drawn: runs of consecutive point numbers in one view.
#: A break between runs is where the channel passes out of sight or doubles back.
LINES: dict[str, tuple[tuple[int, int], ...]] = {
    "LU": ((1, 11),),
    "LI": ((1, 15), (17, 18), (19, 20)),
    "ST": ((1, 4), (5, 7), (9, 45)),
    "SP": ((1, 21),),
    "HT": ((1, 9),),
    "SI": ((1, 8), (9, 15), (16, 19)),
    "BL": ((1, 4), (5, 8), (9, 30), (31, 35), (36, 40), (41, 54), (55, 60), (61, 67)),
    "KI": ((2, 27),),
    "PC": ((1, 9),),
    "TE": ((1, 14), (16, 22)),
    "GB": ((2, 12), (13, 15), (16, 18), (19, 21), (22, 24), (26, 29), (31, 44)),
    "LR": ((1, 14),),
    "GV": ((1, 17), (18, 23), (25, 28)),
    "CV": ((1, 22), (23, 24)),
}
