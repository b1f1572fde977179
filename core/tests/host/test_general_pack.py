"""The core's default pack passes the same conformance checks as any pack, owns the common
measures, and is declared as one ``Pack``."""

import re

import pytest
from vesalius.general import measures, plugin, templates
from vesalius_sdk import Pack
from vesalius_sdk.testing import assert_pack_conforms, pack_problems, strict_registry

#: Names of files outside the repository that a shipped source must never cite.
OUTSIDE = re.compile(r"CLINICAL|DESIGN\.md|INTEROP|STYLE\.md|\.\./")


def test_general_pack_conforms():
    assert_pack_conforms("general")


def test_kit_reports_a_pack_that_is_not_installed():
    assert pack_problems("no-such-pack") == [
        "does not load in strict mode: pack(s) not installed: no-such-pack"]


def test_module_hooks_are_the_declared_packs():
    """The host registers the module; its hooks are the Pack's, one declaration."""
    assert isinstance(plugin.pack, Pack)
    assert plugin.pack.hooks == ("register_disciplines", "register_note_templates",
                                 "register_charts", "register_measures", "charge_lines")
    for hook in plugin.pack.hooks:
        assert getattr(plugin, hook) is getattr(plugin.pack, hook)


def test_general_owns_the_common_measures_under_stable_ids():
    """Stored notes refer to measures by id: these ids must never change."""
    registry = strict_registry()
    assert [m.id for m in measures.ALL] == ["nprs", "vas", "psfs", "pgic", "odi", "ndi"]
    for measure in measures.ALL:
        assert registry.owner("measure", measure.id) == "general"


@pytest.mark.parametrize("measure", measures.ALL, ids=lambda m: m.id)
def test_sources_cite_publications_not_files(measure):
    cited = [measure.source, measure.mcid_source, measure.licence,
             *(e.source for e in measure.examples), *(b.source for b in measure.bands),
             measure.missing_rule.source if measure.missing_rule else None]
    assert not [c for c in cited if c and OUTSIDE.search(c)]
    assert measure.missing_rule is not None


# Guy 1976 (ECDEU manual, CGI improvement item): the rating is the score; 1-2 is "much" or
# "very much" improved, the responder threshold of Farrar et al., Pain 2001;94:149-158.
@pytest.mark.parametrize(("rating", "band"), [
    (1, "much improved"), (2, "much improved"), (3, "little or no change"),
    (4, "little or no change"), (5, "little or no change"), (6, "much worse"),
    (7, "much worse"),
])
def test_pgic_bands(rating, band):
    score = measures.PGIC.score([rating])
    assert (score.value, score.band, score.complete) == (rating, band, True)


def test_pgic_without_a_rating_has_no_score_and_refuses_off_scale():
    assert measures.PGIC.score([None]).value is None
    with pytest.raises(ValueError, match="outside 1-7"):
        measures.PGIC.score([8])


def test_pgic_anchors_label_every_point():
    [item] = measures.PGIC.items
    assert sorted(item.anchors) == list(range(1, 8))
    assert not measures.PGIC.item_text_included


def test_soap_is_the_fallback_not_a_discipline_default():
    soap = templates.SOAP
    assert templates.TEMPLATES == (soap,)  # noqa: SIM300 (the module is the subject)
    assert soap.default_for == ()
    assert [p for p, f in soap.iter_fields() if getattr(f, "default", False)] == [
        "subjective.pain"]
    # Chart, diagnosis codes and plan carry forward; today's account never does.
    assert soap.carried_paths() == ["objective.body_chart", "assessment.diagnosis",
                                    "plan.plan"]
