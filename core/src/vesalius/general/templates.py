"""The generic SOAP note, the host's last fallback template.

It is no discipline's default (``default_for`` is empty): the host opens it when neither
the clinic's service nor the case's discipline names a template for the visit. Copy-forward
follows the SDK's default policy: the body chart, the diagnosis codes and the plan carry
forward; the subjective, objective and assessment text are written anew.
"""

from vesalius_sdk import (
    ChartField,
    CodesField,
    LongTextField,
    MeasureField,
    NoteTemplate,
    ProceduresField,
    Section,
)

SOAP = NoteTemplate(
    id="general.soap",
    title="SOAP note",
    discipline="general",
    kind="follow-up",
    description="Subjective, objective, assessment, plan: for any discipline.",
    sections=(
        Section(id="subjective", title="Subjective", fields=(
            LongTextField(id="subjective", label="Subjective", required=True,
                          help="The patient's account: symptoms, changes, function."),
            MeasureField(id="pain", label="Pain now (NPRS)", measure="nprs", default=True),
        )),
        Section(id="objective", title="Objective", fields=(
            LongTextField(id="objective", label="Objective",
                          help="Observation, tests and measurements."),
            ChartField(id="body_chart", label="Body chart", chart="general.body"),
        )),
        Section(id="assessment", title="Assessment", fields=(
            LongTextField(id="assessment", label="Assessment"),
            CodesField(id="diagnosis", label="Diagnosis (ICD-10)"),
        )),
        Section(id="plan", title="Plan", fields=(
            LongTextField(id="plan", label="Plan"),
            ProceduresField(id="procedures", label="Procedures",
                            help="Billable procedures: minutes for timed codes, units otherwise."),
        )),
    ),
)

TEMPLATES = (SOAP,)
