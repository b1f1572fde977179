"""A library of common home exercises, described in our own words.

Each exercise has a stable id (prescriptions store it), a body region, its purpose, the
starting position, numbered steps a patient can follow at home, and a default dosage the
physiotherapist adjusts in the prescription. Plain frozen dataclasses: this is reference
data, not an SDK contribution.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Body regions exercises are filed under, in the order a programme lists them.
REGIONS: dict[str, str] = {
    "neck": "Neck",
    "shoulder": "Shoulder and shoulder blade",
    "elbow-wrist-hand": "Elbow, wrist and hand",
    "thoracic": "Upper and mid back",
    "lumbar": "Low back and core",
    "hip": "Hip",
    "knee": "Knee",
    "ankle-foot": "Ankle and foot",
    "balance": "Balance",
}

#: How often an exercise is done: stored value -> what the patient reads.
FREQUENCIES: dict[str, str] = {
    "3x-day": "three times a day",
    "2x-day": "twice a day",
    "1x-day": "once a day",
    "alternate-days": "every other day",
    "3x-week": "three times a week",
    "2x-week": "twice a week",
    "1x-week": "once a week",
}


@dataclass(frozen=True, slots=True)
class Dosage:
    """How much of an exercise: sets of repetitions, each held for some seconds."""

    sets: int
    reps: int
    hold_seconds: int = 0
    frequency: str = "1x-day"

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency {self.frequency!r}")
        if self.sets < 1 or self.reps < 1 or self.hold_seconds < 0:
            raise ValueError("sets and reps start at 1; hold seconds at 0")


@dataclass(frozen=True, slots=True)
class Exercise:
    """One exercise of the library."""

    id: str
    name: str
    region: str
    purpose: str
    starting_position: str
    steps: tuple[str, ...]
    dosage: Dosage
    caution: str | None = None

    def __post_init__(self) -> None:
        if self.region not in REGIONS:
            raise ValueError(f"exercise {self.id!r}: unknown region {self.region!r}")
        if not self.steps:
            raise ValueError(f"exercise {self.id!r}: give at least one step")


def _ex(id: str, name: str, region: str, purpose: str, start: str, steps: tuple[str, ...],
        dosage: Dosage, caution: str | None = None) -> Exercise:
    return Exercise(id=id, name=name, region=region, purpose=purpose, starting_position=start,
                    steps=steps, dosage=dosage, caution=caution)


LIBRARY: tuple[Exercise, ...] = (
    # -- neck ---------------------------------------------------------------------------
    _ex("chin-tuck", "Chin tuck", "neck",
        "Wakes up the deep muscles at the front of the neck and eases a poked-chin posture.",
        "Sit tall or lie on your back with your head on a thin pillow.",
        ("Look straight ahead and keep your jaw relaxed.",
         "Glide your chin straight back, as if making a double chin, without tipping your "
         "head up or down.",
         "Hold, feeling a gentle stretch at the base of the skull.",
         "Relax back to the start."),
        Dosage(sets=1, reps=10, hold_seconds=5, frequency="3x-day")),
    _ex("neck-rotation", "Neck turns", "neck",
        "Keeps the neck turning freely.",
        "Sit tall on a chair with your shoulders relaxed.",
        ("Turn your head slowly to look over one shoulder as far as is comfortable.",
         "Pause, then come back through the middle.",
         "Turn to the other side the same way."),
        Dosage(sets=1, reps=10, frequency="3x-day")),
    _ex("upper-trapezius-stretch", "Side-of-neck stretch", "neck",
        "Stretches the muscle running from the neck to the top of the shoulder.",
        "Sit tall and hold the edge of the chair seat with the hand of the side to stretch.",
        ("Tilt your ear towards the opposite shoulder.",
         "Rest the other hand lightly on your head; do not pull.",
         "Hold while breathing slowly, then return to upright."),
        Dosage(sets=1, reps=3, hold_seconds=30, frequency="2x-day")),
    _ex("shoulder-blade-squeeze", "Shoulder blade squeeze", "neck",
        "Strengthens the muscles between the shoulder blades that support posture.",
        "Sit or stand tall with your arms by your sides.",
        ("Draw your shoulder blades back and slightly down, as if into your back pockets.",
         "Keep your neck long and do not shrug.",
         "Hold, then relax."),
        Dosage(sets=2, reps=10, hold_seconds=5, frequency="2x-day")),
    # -- shoulder -------------------------------------------------------------------------
    _ex("pendulum", "Pendulum swings", "shoulder",
        "Gently moves a stiff or painful shoulder without using its muscles.",
        "Stand and lean forward with your good hand on a table; let the other arm hang.",
        ("Let the hanging arm relax completely.",
         "Rock your body gently so the arm swings forwards and back.",
         "Then side to side, then in small circles each way."),
        Dosage(sets=1, reps=20, frequency="3x-day")),
    _ex("table-slide-flexion", "Table slides", "shoulder",
        "Regains the reach of the arm forwards and overhead.",
        "Sit beside a table with your forearm resting on a towel on the table.",
        ("Slide the towel forwards, leaning your body forward to take the arm further.",
         "Go to a comfortable stretch.",
         "Slide back to the start."),
        Dosage(sets=2, reps=10, hold_seconds=3, frequency="2x-day")),
    _ex("wall-slide", "Wall slides", "shoulder",
        "Restores overhead reach with the shoulder blade moving well.",
        "Stand facing a wall with the little-finger side of your forearms on the wall.",
        ("Slide your forearms up the wall as far as is comfortable.",
         "Keep your shoulders down away from your ears.",
         "Slide back down slowly."),
        Dosage(sets=2, reps=10, frequency="1x-day")),
    _ex("band-external-rotation", "Band outward rotation", "shoulder",
        "Strengthens the rotator cuff muscles that turn the arm outwards.",
        "Stand with your elbow bent to a right angle at your side, a rolled towel under it, "
        "holding a resistance band anchored at waist height on the other side.",
        ("Keep the elbow against the towel.",
         "Turn the forearm outwards against the band.",
         "Return slowly over a count of three."),
        Dosage(sets=3, reps=12, frequency="1x-day")),
    _ex("band-internal-rotation", "Band inward rotation", "shoulder",
        "Strengthens the muscles that turn the arm inwards.",
        "Stand side-on to the band's anchor, elbow bent to a right angle at your side with a "
        "rolled towel under it.",
        ("Keep the elbow against the towel.",
         "Pull the forearm in towards your tummy.",
         "Return slowly."),
        Dosage(sets=3, reps=12, frequency="1x-day")),
    _ex("isometric-external-rotation", "Static outward push", "shoulder",
        "Works the rotator cuff without moving a painful shoulder.",
        "Stand in a doorway with your elbow bent to a right angle at your side and the back "
        "of your wrist against the door frame.",
        ("Push the back of the wrist gently into the frame, about half effort.",
         "The arm should not move; hold the push.",
         "Relax fully between pushes."),
        Dosage(sets=1, reps=5, hold_seconds=30, frequency="2x-day"),
        "Push only as hard as keeps the pain at a mild level (3 out of 10 or less)."),
    _ex("band-row", "Band row", "shoulder",
        "Strengthens the upper back and shoulder blade muscles.",
        "Stand facing a resistance band anchored at chest height, one end in each hand, arms "
        "straight in front.",
        ("Pull your elbows back past your sides, squeezing your shoulder blades together.",
         "Keep your wrists straight and your chest up.",
         "Return slowly."),
        Dosage(sets=3, reps=12, frequency="alternate-days")),
    _ex("doorway-pec-stretch", "Doorway chest stretch", "shoulder",
        "Stretches the front of the chest and shoulder.",
        "Stand in a doorway with your forearms on the frame, elbows at shoulder height.",
        ("Step one foot forward until you feel a stretch across the chest.",
         "Keep your back straight and your neck relaxed.",
         "Hold, then step back."),
        Dosage(sets=1, reps=3, hold_seconds=30, frequency="2x-day")),
    _ex("sleeper-stretch", "Side-lying inward rotation stretch", "shoulder",
        "Stretches the back of the shoulder.",
        "Lie on the side to stretch, with that arm in front at shoulder height and the elbow "
        "bent to a right angle, fingers to the ceiling.",
        ("With the other hand, ease the forearm down towards the bed.",
         "Stop at a gentle stretch at the back of the shoulder.",
         "Hold, then release."),
        Dosage(sets=1, reps=3, hold_seconds=30, frequency="1x-day"),
        "Stop if you feel pinching at the front of the shoulder."),
    # -- elbow, wrist, hand ----------------------------------------------------------------
    _ex("wrist-extensor-eccentric", "Slow wrist lowering", "elbow-wrist-hand",
        "Loads the tendons on the outside of the elbow (tennis elbow).",
        "Sit with your forearm supported on a table, palm down, wrist over the edge, holding a "
        "light weight.",
        ("Use the other hand to lift the weight up.",
         "Let go with the helping hand and lower the weight slowly over a count of four.",
         "Repeat."),
        Dosage(sets=3, reps=15, frequency="1x-day"),
        "Mild discomfort during this exercise is expected; it should settle within a day."),
    _ex("wrist-flexor-stretch", "Forearm stretch", "elbow-wrist-hand",
        "Stretches the muscles on the palm side of the forearm.",
        "Stand or sit with the arm straight in front, palm facing away.",
        ("With the other hand, ease the fingers back towards you.",
         "Keep the elbow straight.",
         "Hold, then release."),
        Dosage(sets=1, reps=3, hold_seconds=30, frequency="2x-day")),
    _ex("tendon-glides", "Finger tendon glides", "elbow-wrist-hand",
        "Keeps the finger tendons sliding freely (for example after a wrist injury or with "
        "carpal tunnel symptoms).",
        "Sit with your elbow on a table and your hand upright, fingers straight.",
        ("Bend the top two finger joints to make a hook.",
         "Straighten, then make a full fist.",
         "Straighten, then bend only at the knuckles with fingers straight (a tabletop).",
         "Return to straight fingers each time."),
        Dosage(sets=1, reps=10, hold_seconds=3, frequency="3x-day")),
    _ex("grip-squeeze", "Grip squeeze", "elbow-wrist-hand",
        "Strengthens the grip.",
        "Sit holding a soft ball or therapy putty in your hand, forearm supported.",
        ("Squeeze firmly.",
         "Hold, then relax your hand fully."),
        Dosage(sets=2, reps=10, hold_seconds=5, frequency="1x-day")),
    # -- thoracic -------------------------------------------------------------------------
    _ex("thoracic-extension-chair", "Chair back arch", "thoracic",
        "Improves the upper back's ability to straighten.",
        "Sit on a chair with a firm back that reaches your shoulder blades, hands behind "
        "your head.",
        ("Lean back over the top of the chair, lifting your chest to the ceiling.",
         "Keep your low back against the chair.",
         "Return to upright."),
        Dosage(sets=1, reps=10, frequency="2x-day")),
    _ex("open-book", "Open book rotation", "thoracic",
        "Improves turning of the upper and mid back.",
        "Lie on your side, knees bent up to hip height, arms straight in front with palms "
        "together.",
        ("Lift the top arm up and over, following the hand with your eyes.",
         "Let your chest turn towards the ceiling while your knees stay together.",
         "Return the arm to the start."),
        Dosage(sets=1, reps=10, frequency="1x-day")),
    # -- lumbar ---------------------------------------------------------------------------
    _ex("pelvic-tilt", "Pelvic tilt", "lumbar",
        "Gently moves the low back and wakes up the deep tummy muscles.",
        "Lie on your back with knees bent and feet flat.",
        ("Flatten your low back into the floor by tilting your pelvis back.",
         "Then gently arch it, tilting the pelvis forward.",
         "Move slowly between the two within comfort."),
        Dosage(sets=1, reps=10, frequency="2x-day")),
    _ex("knee-to-chest", "Knee to chest", "lumbar",
        "Stretches the low back and buttock.",
        "Lie on your back with knees bent and feet flat.",
        ("Bring one knee up towards your chest and hold it with both hands.",
         "Hold the stretch, then lower the leg.",
         "Repeat with the other leg, or both together if comfortable."),
        Dosage(sets=1, reps=5, hold_seconds=20, frequency="2x-day")),
    _ex("cat-camel", "Cat and camel", "lumbar",
        "Moves the whole spine through its range.",
        "Kneel on all fours, hands under shoulders and knees under hips.",
        ("Round your back up to the ceiling, tucking your chin.",
         "Then let your back sag gently and lift your head.",
         "Move smoothly between the two."),
        Dosage(sets=1, reps=10, frequency="2x-day")),
    _ex("prone-press-up", "Lying press-up", "lumbar",
        "Bends the low back backwards; often eases back pain that is worse with sitting.",
        "Lie on your front with your hands under your shoulders.",
        ("Keep your hips on the floor and your back relaxed.",
         "Straighten your arms to lift your chest, letting the back sag.",
         "Lower slowly."),
        Dosage(sets=1, reps=10, frequency="3x-day"),
        "Stop and tell your physiotherapist if leg pain spreads further down the leg."),
    _ex("bird-dog", "Bird dog", "lumbar",
        "Trains the back and tummy muscles to hold the spine steady while the limbs move.",
        "Kneel on all fours, back flat.",
        ("Slide one leg back and lift it to hip height.",
         "Add the opposite arm reaching forward when this is easy.",
         "Keep the back still, hold, then return and change sides."),
        Dosage(sets=2, reps=8, hold_seconds=5, frequency="1x-day")),
    _ex("dead-bug", "Dead bug", "lumbar",
        "Builds control of the deep tummy muscles.",
        "Lie on your back, hips and knees bent to right angles with feet in the air, arms "
        "reaching to the ceiling.",
        ("Keep your low back gently pressed to the floor.",
         "Slowly lower one heel towards the floor and straighten it away.",
         "Return and change sides; add the opposite arm going overhead when ready."),
        Dosage(sets=2, reps=8, frequency="1x-day")),
    _ex("bridge", "Bridge", "lumbar",
        "Strengthens the buttocks and back of the thighs.",
        "Lie on your back with knees bent and feet flat, hip-width apart.",
        ("Squeeze your buttocks and lift your hips until your body is straight from "
         "shoulders to knees.",
         "Hold without arching your low back.",
         "Lower slowly."),
        Dosage(sets=3, reps=10, hold_seconds=3, frequency="1x-day")),
    _ex("side-plank-knees", "Side plank on knees", "lumbar",
        "Strengthens the muscles at the side of the trunk.",
        "Lie on your side propped on your forearm, elbow under shoulder, knees bent.",
        ("Lift your hips so your body is straight from head to knees.",
         "Hold, breathing normally.",
         "Lower and rest."),
        Dosage(sets=2, reps=5, hold_seconds=10, frequency="alternate-days")),
    _ex("lumbar-rotation-stretch", "Knee rolls", "lumbar",
        "Eases stiffness of the low back with gentle rotation.",
        "Lie on your back with knees bent and together, feet flat.",
        ("Let both knees roll slowly to one side, keeping shoulders on the floor.",
         "Come back to the middle and roll to the other side."),
        Dosage(sets=1, reps=10, frequency="2x-day")),
    # -- hip ------------------------------------------------------------------------------
    _ex("clamshell", "Clamshell", "hip",
        "Strengthens the muscles at the side and back of the hip.",
        "Lie on your side with hips and knees bent, feet together, hips stacked.",
        ("Keeping your feet together, lift the top knee.",
         "Do not let your pelvis roll back.",
         "Lower slowly."),
        Dosage(sets=3, reps=12, frequency="1x-day")),
    _ex("side-lying-hip-abduction", "Side-lying leg lift", "hip",
        "Strengthens the side of the hip for walking and stairs.",
        "Lie on your side with the bottom knee bent and the top leg straight in line with "
        "your body.",
        ("Lift the top leg up, leading with the heel, toes facing forward.",
         "Keep it slightly behind your body, not forward.",
         "Lower slowly."),
        Dosage(sets=3, reps=10, frequency="1x-day")),
    _ex("hip-flexor-stretch", "Kneeling hip stretch", "hip",
        "Stretches the front of the hip.",
        "Kneel on one knee on a cushion with the other foot flat in front.",
        ("Tuck your tailbone under and tighten the buttock of the kneeling side.",
         "Shift your weight forward until you feel a stretch at the front of the hip.",
         "Hold, then ease back."),
        Dosage(sets=1, reps=3, hold_seconds=30, frequency="2x-day")),
    _ex("figure-four-stretch", "Buttock stretch (figure four)", "hip",
        "Stretches the deep buttock muscles.",
        "Lie on your back with knees bent; cross one ankle over the other knee.",
        ("Lift the lower foot off the floor.",
         "Hold behind the thigh and draw it towards you until you feel a stretch in the "
         "buttock of the crossed leg.",
         "Hold, then release."),
        Dosage(sets=1, reps=3, hold_seconds=30, frequency="2x-day")),
    _ex("hamstring-stretch", "Back-of-thigh stretch", "hip",
        "Stretches the hamstrings.",
        "Lie on your back with a towel around one foot.",
        ("Lift the leg with the knee straight, using the towel, until you feel a stretch "
         "behind the thigh.",
         "Keep the other leg relaxed on the floor.",
         "Hold, then lower."),
        Dosage(sets=1, reps=3, hold_seconds=30, frequency="2x-day")),
    _ex("sit-to-stand", "Sit to stand", "hip",
        "Builds leg strength for getting up from a chair.",
        "Sit near the front of a firm chair, feet hip-width apart and slightly behind your "
        "knees.",
        ("Lean forward, nose over toes.",
         "Stand up fully without using your hands if you can.",
         "Sit back down slowly and with control."),
        Dosage(sets=3, reps=10, frequency="1x-day")),
    # -- knee -----------------------------------------------------------------------------
    _ex("quad-set", "Thigh tightening", "knee",
        "Switches on the front thigh muscle after injury or surgery.",
        "Sit or lie with your leg straight and a small rolled towel under the knee.",
        ("Tighten the front of your thigh, pressing the back of the knee into the towel.",
         "Hold, then relax fully."),
        Dosage(sets=1, reps=10, hold_seconds=5, frequency="3x-day")),
    _ex("straight-leg-raise", "Straight leg raise", "knee",
        "Strengthens the front of the thigh without bending the knee.",
        "Lie on your back with one knee bent and the other leg straight.",
        ("Tighten the thigh of the straight leg.",
         "Lift it to the height of the other knee, keeping it straight.",
         "Lower slowly."),
        Dosage(sets=3, reps=10, frequency="1x-day")),
    _ex("heel-slide", "Heel slides", "knee",
        "Regains knee bend.",
        "Lie on your back with legs straight, a plastic bag under the heel to help it slide.",
        ("Slide the heel towards your buttock, bending the knee as far as is comfortable.",
         "Hold, then slide it back out straight."),
        Dosage(sets=2, reps=10, hold_seconds=3, frequency="3x-day")),
    _ex("terminal-knee-extension", "Band knee straightening", "knee",
        "Strengthens the last part of knee straightening.",
        "Stand with a resistance band looped behind the knee, anchored in front at knee "
        "height, knee slightly bent.",
        ("Straighten the knee fully against the band.",
         "Hold, then let the knee bend a little again."),
        Dosage(sets=3, reps=12, hold_seconds=2, frequency="1x-day")),
    _ex("step-up", "Step-ups", "knee",
        "Builds strength and control for stairs.",
        "Stand facing a step or the bottom stair, holding the rail if needed.",
        ("Step up with the leg being exercised and straighten it fully on the step.",
         "Keep the knee in line over the middle toes.",
         "Step down slowly with the other leg."),
        Dosage(sets=3, reps=10, frequency="alternate-days")),
    _ex("mini-squat", "Mini squats", "knee",
        "Strengthens the thighs and buttocks in standing.",
        "Stand with feet hip-width apart, holding a counter for balance if needed.",
        ("Bend your knees and push your hips back as if starting to sit, to about a quarter "
         "of the way down.",
         "Keep your knees over your toes and your weight through your heels.",
         "Stand back up tall."),
        Dosage(sets=3, reps=10, frequency="1x-day")),
    _ex("wall-sit", "Wall sit", "knee",
        "Builds thigh endurance with a static hold.",
        "Stand with your back against a wall, feet a foot's length in front of you.",
        ("Slide down the wall until your knees are bent to a comfortable angle, no lower than "
         "a right angle.",
         "Hold, then slide back up."),
        Dosage(sets=1, reps=5, hold_seconds=30, frequency="1x-day")),
    # -- ankle and foot -------------------------------------------------------------------
    _ex("ankle-pumps", "Ankle pumps", "ankle-foot",
        "Keeps the ankle moving and helps circulation after injury or surgery.",
        "Sit or lie with your legs out straight.",
        ("Point your toes away from you.",
         "Then pull them up towards you as far as you can.",
         "Keep a steady rhythm."),
        Dosage(sets=1, reps=20, frequency="3x-day")),
    _ex("ankle-alphabet", "Ankle alphabet", "ankle-foot",
        "Moves the ankle in every direction.",
        "Sit with the foot off the floor, resting the calf on a stool if needed.",
        ("Using your big toe as a pen, draw the letters of the alphabet in the air.",
         "Move only at the ankle."),
        Dosage(sets=1, reps=1, frequency="2x-day")),
    _ex("calf-raise", "Calf raises", "ankle-foot",
        "Strengthens the calf and Achilles tendon.",
        "Stand holding a counter, feet hip-width apart.",
        ("Rise up onto your toes as high as you can.",
         "Lower slowly over a count of three.",
         "Progress to one leg at a time when easy."),
        Dosage(sets=3, reps=15, frequency="1x-day")),
    _ex("calf-stretch", "Wall calf stretch", "ankle-foot",
        "Stretches the upper calf.",
        "Stand facing a wall, hands on it, one foot forward and the leg to stretch behind, "
        "toes pointing forward.",
        ("Keep the back knee straight and heel down.",
         "Lean into the wall until you feel a stretch in the upper calf.",
         "Hold, then ease off."),
        Dosage(sets=1, reps=3, hold_seconds=30, frequency="2x-day")),
    _ex("soleus-stretch", "Bent-knee calf stretch", "ankle-foot",
        "Stretches the lower calf and Achilles region.",
        "Stand as for the wall calf stretch, back foot a little closer to the wall.",
        ("Bend the back knee while keeping the heel down.",
         "Feel the stretch low in the calf.",
         "Hold, then ease off."),
        Dosage(sets=1, reps=3, hold_seconds=30, frequency="2x-day")),
    _ex("eccentric-heel-drop", "Heel drops off a step", "ankle-foot",
        "Loads the Achilles tendon to help it recover.",
        "Stand on the edge of a step on the balls of both feet, holding the rail.",
        ("Rise up on both feet.",
         "Take the other foot off and lower the exercised heel slowly below the step.",
         "Use both feet to come back up."),
        Dosage(sets=3, reps=15, frequency="1x-day"),
        "Some tendon discomfort is acceptable if it settles by the next morning."),
    _ex("towel-scrunch", "Towel scrunches", "ankle-foot",
        "Strengthens the small muscles of the foot.",
        "Sit with your bare foot flat on a towel on a smooth floor.",
        ("Curl your toes to pull the towel towards you.",
         "Keep the heel on the floor.",
         "Spread the towel out again and repeat."),
        Dosage(sets=2, reps=10, frequency="1x-day")),
    _ex("plantar-fascia-stretch", "Sole of foot stretch", "ankle-foot",
        "Stretches the tissue under the foot; useful before the first steps of the morning.",
        "Sit with the foot to stretch resting across the other knee.",
        ("Pull the toes back towards the shin with one hand.",
         "Feel the stretch along the sole; you can feel the band with the other hand.",
         "Hold, then release."),
        Dosage(sets=1, reps=3, hold_seconds=30, frequency="3x-day")),
    # -- balance --------------------------------------------------------------------------
    _ex("single-leg-balance", "Standing on one leg", "balance",
        "Trains balance and ankle control.",
        "Stand next to a counter with a hand hovering over it for safety.",
        ("Lift one foot and balance on the other leg.",
         "Keep the standing knee soft and your body tall.",
         "Progress by closing your eyes or standing on a cushion."),
        Dosage(sets=1, reps=3, hold_seconds=30, frequency="2x-day"),
        "Always practise next to something stable to hold."),
    _ex("tandem-stance", "Heel-to-toe stance", "balance",
        "Trains balance with a narrow base.",
        "Stand next to a counter, one foot directly in front of the other, heel touching toe.",
        ("Let go of the counter if you can, keeping a hand close.",
         "Hold steady, then change which foot is in front."),
        Dosage(sets=1, reps=3, hold_seconds=30, frequency="2x-day"),
        "Always practise next to something stable to hold."),
)

_BY_ID: dict[str, Exercise] = {e.id: e for e in LIBRARY}
if len(_BY_ID) != len(LIBRARY):  # pragma: no cover - guarded by the test suite too
    raise ValueError("exercise ids must be unique")


def exercise(exercise_id: str) -> Exercise:
    """The exercise with this id; ``KeyError`` naming it when there is none."""
    try:
        return _BY_ID[exercise_id]
    except KeyError:
        raise KeyError(f"no exercise {exercise_id!r} in the physio library") from None
