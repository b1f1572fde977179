"""Outcome measures: items, a published scoring rule, and the worked examples that prove it.

Responses are given in the published item order, in the numbers of the published scoring
sheet (ODI 0-5 per item, DASH 1-5, LEFS 0-4, RMDQ 0/1, ...), ``None`` for an item not
answered. :meth:`OutcomeMeasure.score` checks the responses' shape
(:class:`ResponseError` names the item) and then calls the measure's ``scorer``, a small pure
function that returns a :class:`Score`. A measure that cannot be scored by its rule (too many
items missing) returns ``Score(value=None, complete=False, reason=...)``: that is a result,
not an error.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ._base import Frozen, KeyId, Label, ShortId, unique

Direction = Literal["higher-is-better", "higher-is-worse"]
Responses = tuple[int | None, ...]
#: Responses as given by a caller: a list in item order (``None`` for an unanswered item),
#: or a mapping from item id or 1-based item number to the response (absent: unanswered).
ResponsesIn = Sequence[int | None] | Mapping[str | int, int | None]


class ResponseError(ValueError):
    """Responses of the wrong shape: wrong count, or a value outside an item's range.

    ``item`` is the 1-based item number (``None`` when the count is wrong).
    """

    def __init__(self, message: str, item: int | None = None) -> None:
        super().__init__(message)
        self.item = item


class MeasureItem(Frozen):
    """One item of a measure. ``label`` is our own short label.

    ``text`` is the published item wording, set only where the measure's licence allows it
    to ship. ``anchors`` are our own short labels of some response values.
    """

    id: KeyId
    label: Label
    minimum: int = 0
    maximum: int
    optional: bool = False
    text: str | None = None
    anchors: Mapping[int, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _range(self) -> MeasureItem:
        if self.minimum >= self.maximum:
            raise ValueError(f"item {self.id!r}: minimum must be below maximum")
        return self


class Band(Frozen):
    """An interpretation band: ``minimum <= value <= maximum`` reads as ``label``.

    Both ends are inclusive and a measure's bands are tried in order, the first match
    winning: for bands that meet at a value (``0-20`` then ``20-40``), the earlier band
    takes the shared value.
    """

    minimum: float
    maximum: float
    label: Label
    #: The publication that defines the band (authors, year, journal), when it is not the
    #: measure's own ``source``.
    source: str | None = None


class MissingRule(Frozen):
    """What the published rule does with unanswered items, as data shown to the practitioner.

    ``max_missing`` is how many items (not counting ``optional`` ones) may be left
    unanswered with the measure still scored; one more and the scorer must return
    ``value=None`` (the test kit checks this). ``None`` means the rule is not a simple count
    (a per-subscale rule, say): then ``text`` alone says it. ``text`` says the rule in a
    sentence ("Up to 1 of 11 items may be missing; the score is then worked out of the
    items answered.").
    """

    max_missing: int | None = Field(default=None, ge=0)
    text: Annotated[str, Field(min_length=10, max_length=500)]
    source: str | None = None


class Score(Frozen):
    """The result of scoring one set of responses.

    ``value`` is ``None`` when the rule cannot score the responses, and ``reason`` says why.
    ``complete`` is true when every non-optional item was answered (a value may still be
    given for incomplete responses where the rule allows it, with ``reason`` saying how).
    ``subscores`` carries any secondary numbers (raw totals, subscales);
    ``subscore_reasons`` says, by key, why a subscore is ``None`` (SDK 0.2.1): the host shows
    it beside the subscale ("not scored: 2 of 5 answered, 3 needed").
    """

    value: float | None
    minimum: float
    maximum: float
    direction: Direction
    unit: str | None = None
    band: str | None = None
    complete: bool = True
    reason: str | None = None
    subscores: Mapping[str, float | None] = Field(default_factory=dict)
    subscore_reasons: Mapping[str, str] = Field(default_factory=dict)


class Subscale(Frozen):
    """A subscale a measure reports beside its headline value (SDK 0.2.1).

    ``id`` is its key in :attr:`Score.subscores`; ``label`` is what the practitioner reads
    ("Sport/Rec", "Work module"). Declared in :attr:`OutcomeMeasure.subscales`, in the order
    the host shows them (the note editor's live score, the signed note, the case's trend).
    """

    id: KeyId
    label: Label


class WorkedExample(Frozen):
    """A set of responses and the score its published source gives. The test kit checks it."""

    responses: Responses
    value: float | None
    band: str | None = None
    complete: bool | None = None
    source: Annotated[str, Field(min_length=5)]
    subscores: Mapping[str, float | None] = Field(default_factory=dict)


Scorer = Callable[["OutcomeMeasure", Responses], Score]


class OutcomeMeasure(Frozen):
    """A measure contributed by a pack. ``id`` is its common short id (``odi``, ``ndi``).

    ``scorer(measure, responses)`` receives responses already checked for shape; it uses
    the helpers in :mod:`vesalius_sdk.scoring` and the measure's ``bands``.
    ``mcid`` is the minimal clinically important difference in the units of ``value``.
    ``licence`` is shown wherever the measure is; say there whether item text ships.

    ``subscales`` (SDK 0.2.1, optional) names the subscores a practitioner reads, in order:
    ``(Subscale(id="pain", label="Pain"), ...)``. The host shows only declared subscales,
    each with its label, so a measure's internal subscores (raw totals, counts) stay out of
    the note; the test kit checks that the scorer returns every declared one in
    ``Score.subscores`` (``None`` when it is not scored, with a reason in
    ``Score.subscore_reasons``). Measures written for SDK 0.2.0 declare none and read as
    before.
    """

    id: ShortId
    title: Label
    version: Annotated[str, Field(min_length=1, max_length=32)] = "1"
    items: tuple[MeasureItem, ...] = Field(min_length=1)
    scorer: Scorer = Field(exclude=True)
    direction: Direction
    minimum: float
    maximum: float
    unit: str | None = None
    bands: tuple[Band, ...] = ()
    mcid: float | None = Field(default=None, ge=0)
    mcid_source: str | None = None
    licence: Annotated[str, Field(min_length=10)]
    item_text_included: bool = False
    #: The LOINC code of the questionnaire (the panel, e.g. ODI 97908-8), when LOINC has one.
    loinc: Annotated[str, Field(pattern=r"^\d{1,7}-\d$")] | None = None
    #: The LOINC code of the score itself (e.g. ODI 97909-6), for the Observation that
    #: carries a result; ``None`` when LOINC has none (the host then uses a local code).
    score_loinc: Annotated[str, Field(pattern=r"^\d{1,7}-\d$")] | None = None
    source: str | None = None
    instructions: str | None = None
    examples: tuple[WorkedExample, ...] = ()
    disciplines: tuple[ShortId, ...] = ()
    #: What the published rule does with unanswered items (:class:`MissingRule`).
    missing_rule: MissingRule | None = None
    #: The subscales shown beside the headline value (:class:`Subscale`), in order.
    subscales: tuple[Subscale, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> OutcomeMeasure:
        unique([i.id for i in self.items], f"item of measure {self.id!r}")
        unique([s.id for s in self.subscales], f"subscale of measure {self.id!r}")
        if self.item_text_included != any(i.text for i in self.items):
            raise ValueError(
                f"measure {self.id!r}: item_text_included must say whether items carry text"
            )
        if self.mcid is not None and not self.mcid_source:
            raise ValueError(f"measure {self.id!r}: give mcid_source with mcid")
        required = sum(1 for i in self.items if not i.optional)
        rule = self.missing_rule
        if rule is not None and rule.max_missing is not None and rule.max_missing >= required:
            raise ValueError(f"measure {self.id!r}: missing_rule.max_missing must be below "
                             f"the {required} items that are not optional")
        return self

    def _from_mapping(self, responses: Mapping[str | int, int | None]) -> list[int | None]:
        by_id = {item.id: n for n, item in enumerate(self.items)}
        values: list[int | None] = [None] * len(self.items)
        for key, value in responses.items():
            if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
                index = int(key) - 1
                if not 0 <= index < len(self.items):
                    raise ResponseError(f"{self.id} has items 1 to {len(self.items)}, "
                                        f"not {key}")
            elif key in by_id:
                index = by_id[key]
            else:
                known = ", ".join(by_id)
                raise ResponseError(f"{self.id} has no item {key!r} (items: {known})")
            values[index] = value
        return values

    def check_responses(self, responses: ResponsesIn) -> Responses:
        """Responses in item order, shorter lists padded where the missing items are optional.

        ``responses`` is a list in item order (``None`` for an unanswered item) or a mapping
        from item id or 1-based item number to the response, which skips any item by leaving
        it out. Raises :class:`ResponseError` naming the count or the item that is wrong.
        """
        n = len(self.items)
        if isinstance(responses, Mapping):
            values = self._from_mapping(responses)
        else:
            values = list(responses)
        if len(values) > n or (
            len(values) < n and not all(i.optional for i in self.items[len(values):])
        ):
            required = sum(1 for i in self.items if not i.optional)
            expected = f"{n}" if required == n else f"{required} to {n}"
            # An optional item before a required one cannot be skipped by a shorter list.
            last_required = max(k for k, i in enumerate(self.items) if not i.optional)
            inner = [f"{k + 1} ({i.id})" for k, i in enumerate(self.items[:last_required])
                     if i.optional]
            hint = (f"; to skip optional item {', '.join(inner)} give null in its place, or "
                    "give responses by item id or number" if inner and len(values) < n
                    else "")
            raise ResponseError(f"{self.id} takes {expected} responses, got {len(values)}{hint}")
        values += [None] * (n - len(values))
        for number, (item, value) in enumerate(zip(self.items, values, strict=True), start=1):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                    values[number - 1] = value
                else:
                    raise ResponseError(
                        f"{self.id} item {number} ({item.id}): {value!r} is not a whole number",
                        number,
                    )
            if not item.minimum <= value <= item.maximum:
                raise ResponseError(
                    f"{self.id} item {number} ({item.id}): {value} is outside "
                    f"{item.minimum}-{item.maximum}",
                    number,
                )
        return tuple(values)

    def score(self, responses: ResponsesIn) -> Score:
        """Check the responses' shape, then score them by the published rule."""
        return self.scorer(self, self.check_responses(responses))

    def band_for(self, value: float | None) -> str | None:
        """The label of the band ``value`` falls in (first match), or ``None``."""
        if value is None:
            return None
        for band in self.bands:
            if band.minimum <= value <= band.maximum:
                return band.label
        return None

    def result(self, value: float | None, **kwargs: object) -> Score:
        """A :class:`Score` with this measure's range, direction, unit and band filled in."""
        if value is not None and not math.isfinite(value):
            raise ValueError(f"{self.id}: score is not a finite number")
        fields: dict[str, object] = {
            "minimum": self.minimum,
            "maximum": self.maximum,
            "direction": self.direction,
            "unit": self.unit,
            "band": self.band_for(value),
        }
        fields.update(kwargs)
        return Score(value=value, **fields)  # type: ignore[arg-type]

    def not_scorable(self, reason: str, **kwargs: object) -> Score:
        """The result for responses the published rule cannot score."""
        return self.result(None, complete=False, reason=reason, **kwargs)

    def reached_mcid(self, before: float, after: float) -> bool | None:
        """Whether the change from ``before`` to ``after`` is an improvement of at least MCID."""
        if self.mcid is None:
            return None
        change = after - before if self.direction == "higher-is-better" else before - after
        return change >= self.mcid
