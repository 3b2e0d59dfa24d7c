"""An organization's own words: role titles, committee kinds, the report's title and mark,
the name of its groups of measures; set by its second line, shown on its pages."""

from django.urls import reverse

from governance.models import Organization
from governance.models.organization import TERM_DEFAULTS
from plans.workbook.layout import BY_KEY, term_column


def test_every_term_has_its_column_in_the_workbook():
    columns = {c.key for c in BY_KEY["organizations"].columns}
    assert {term_column(key) for key in TERM_DEFAULTS} <= columns


def test_the_second_line_renames_a_role_and_the_pages_use_it(client_for, pg):
    client = client_for("pg_second")
    url = reverse("organization-terms", args=[pg.pk])
    page = client.get(url)
    assert 'placeholder="行為規制遵守推進者"' in page.content.decode()
    response = client.post(
        url, {"role:promoter": "内部統制推進者", "report_title": "", "reason": "社内規程の改定"}
    )
    assert response.status_code == 302
    pg.refresh_from_db()
    assert pg.terms == {"role:promoter": "内部統制推進者"}
    assert pg.history.first().history_change_reason == "社内規程の改定"
    text = client.get(reverse("responsibility")).content.decode()
    assert "内部統制推進者: pg_promoter" in text
    assert "行為規制遵守推進者: pg_promoter" not in text
    assert pg.report_title == "再発防止策の実施状況"  # left empty: the default


def test_a_bad_entry_is_refused_next_to_its_field_and_nothing_changes(client_for, pg):
    client = client_for("pg_second")
    page = client.post(
        reverse("organization-terms", args=[pg.pk]),
        {"confidential_mark": "秘" * 101, "reason": ""},
    )
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert set(errors) == {"confidential_mark", "reason"}
    assert Organization.objects.get(pk=pg.pk).terms == {}
