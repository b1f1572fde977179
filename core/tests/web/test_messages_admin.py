"""The owner's messages pages: every registered kind with its variables, the template
editor (preview against sample data, checked save naming the part and the variable,
reset), the reminder schedule; owner only, CSRF on every form, audited."""

from __future__ import annotations

from sqlalchemy import select
from vesalius.messaging import notices
from vesalius.models import AuditEvent, MessageTemplate

EDIT = f"/admin/messages/{notices.REMINDER}/en"


def test_only_the_owner_sees_the_messages_pages(browser):  # type: ignore[no-untyped-def]
    for role in ("front-desk", "practitioner", "billing"):
        b = browser(role)
        assert b.get("/admin/messages/").status_code == 403
        assert b.get(EDIT).status_code == 403
        assert b.post(EDIT, {"subject": "x", "text": "y", "sms": "z"}).status_code == 403
        assert b.post(EDIT + "/preview", {"subject": "x"}).status_code == 403
        assert b.post(EDIT + "/reset").status_code == 403
        assert b.post("/admin/messages/settings", {"reminder_hours": "1"}).status_code == 403
    anonymous = browser(None)
    assert anonymous.get("/admin/messages/").status_code in (302, 401)


def test_the_list_names_every_kind_with_its_variables(browser):  # type: ignore[no-untyped-def]
    from vesalius.messaging import kinds

    page = browser("owner").get("/admin/messages/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for kind in kinds.all_kinds():
        assert f'id="kind-{kind.key}"' in html
        for name in kind.variables:
            assert "{{ " + name + " }}" in html
    assert f'href="/admin/messages/{notices.RECEIPT}/fr"' in html


def test_edit_preview_save_and_reset(browser, db):  # type: ignore[no-untyped-def]
    owner = browser("owner")
    page = owner.get(EDIT)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Reminder: your appointment on" in html
    assert "Preview with sample data" in html and "Alex" in html  # the sample's patient

    # The live preview: the sample message, or the refusal naming the part and variable.
    good = owner.post(EDIT + "/preview", {"subject": "Hi {{ given_name }}", "text": "T",
                                          "sms": "S {{ time }}"})
    assert good.status_code == 200 and good.get_json() == {
        "subject": "Hi Alex", "text": "T", "sms": "S 09:30"}
    bad = owner.post(EDIT + "/preview", {"subject": "Hi", "text": "{{ diagnosis }}",
                                         "sms": "S"})
    assert bad.status_code == 422
    assert "diagnosis" in bad.get_json()["errors"]["text"]

    # A save that does not render: 422, the form again with the part marked, nothing saved.
    refused = owner.post(EDIT, {"action": "save", "subject": "See you {{ dte }}",
                                "text": "Hello", "sms": "Hi"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="subject-error"' in html and "dte" in html and "is undefined" in html
    refused = owner.post(EDIT, {"action": "save", "subject": "Hi", "text": "{% for %}",
                                "sms": "Hi"})
    assert refused.status_code == 422 and 'id="text-error"' in refused.get_data(as_text=True)
    with db.session() as s:
        assert s.scalar(select(MessageTemplate.id)) is None

    # The preview button (without JavaScript) saves nothing.
    shown = owner.post(EDIT, {"action": "preview", "subject": "Soon: {{ date }}",
                              "text": "Hello", "sms": "Hi"})
    assert shown.status_code == 200 and "Soon: Monday 4 March 2030" in shown.get_data(
        as_text=True)
    with db.session() as s:
        assert s.scalar(select(MessageTemplate.id)) is None

    # Saved: only the parts that differ from the default; audited without the text.
    default = owner.get(EDIT).get_data(as_text=True)
    assert "(your words)" not in default
    saved = owner.post(EDIT, {"action": "save", "subject": "Soon: {{ date }}",
                              "text": notices.kinds.get(notices.REMINDER).text,
                              "sms": notices.kinds.get(notices.REMINDER).sms})
    assert saved.status_code == 302
    with db.session() as s:
        assert [(t.part, t.body) for t in s.scalars(select(MessageTemplate))] == [
            ("subject", "Soon: {{ date }}")]
        details = list(s.scalars(select(AuditEvent.detail)
                                 .where(AuditEvent.resource_type == "message-template")))
        assert details == [f"{notices.REMINDER} (en): subject"]
    assert "(your words)" in owner.get(EDIT).get_data(as_text=True)
    assert "(edited)" in owner.get("/admin/messages/").get_data(as_text=True)

    assert owner.post(EDIT + "/reset").status_code == 302
    with db.session() as s:
        assert s.scalar(select(MessageTemplate.id)) is None


def test_forms_need_the_csrf_token(browser):  # type: ignore[no-untyped-def]
    owner = browser("owner")
    client = owner.client
    for url, data in ((EDIT, {"subject": "x", "text": "y", "sms": "z"}),
                      (EDIT + "/preview", {"subject": "x"}), (EDIT + "/reset", {}),
                      ("/admin/messages/settings", {"reminder_hours": "2"})):
        assert client.post(url, data=data).status_code == 400, url


def test_unknown_kind_or_language_is_a_404(browser):  # type: ignore[no-untyped-def]
    owner = browser("owner")
    assert owner.get("/admin/messages/no-such-kind/en").status_code == 404
    assert owner.get(f"/admin/messages/{notices.REMINDER}/de").status_code == 404


def test_reminder_schedule_setting(browser, db):  # type: ignore[no-untyped-def]
    from vesalius.messaging import templates

    owner = browser("owner")
    for bad, words in (("0", "1 to 336 hours"), ("24, 24", "twice"), ("soon", "integer"),
                       ("1,2,3,4,5,6", "at most 5")):
        refused = owner.post("/admin/messages/settings",
                             {"reminder_hours": bad, "default_language": "en"})
        assert refused.status_code == 422, bad
        html = refused.get_data(as_text=True)
        assert 'id="reminder_hours-error"' in html and words in html, (bad, html[-3000:])
    refused = owner.post("/admin/messages/settings",
                         {"reminder_hours": "24", "default_language": "xx"})
    assert refused.status_code == 422 and 'id="default_language-error"' in refused.get_data(
        as_text=True)
    saved = owner.post("/admin/messages/settings",
                       {"reminder_hours": "2, 48h", "default_language": "fr"})
    assert saved.status_code == 302
    with db.session() as s:
        current = templates.settings(s)
        assert current.reminder_minutes == (2880, 120) and current.default_language == "fr"
    assert 'value="48, 2"' in owner.get("/admin/messages/").get_data(as_text=True)
