"""Figures from before the portal (issue 17 part 3): staff enter a past year's value by hand for
any KPI with its source (手入力); a negative or a non-number gets a clear message; for a year the
portal has data for, the computed figure stands and the admin shows both when they differ;
reports.manual gives the trend code the hand-entered values in one query."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditLog
from reports import manual, services
from reports.models import ManualFigure
from tests.reports.factories import page_views, registered_group

pytestmark = pytest.mark.django_db
D = dt.date


def _post(client, url, **values):
    data = {
        "fiscal_year": "2006",
        "key": "registered_groups_end",
        "value": "59",
        "source": "平成18年度事業報告書 p.3",
        "note": "",
    }
    data.update(values)
    return client.post(url, data)


def _errors(response) -> str:
    form = response.context["adminform"].form
    return " ".join(form.non_field_errors()) + " ".join(
        str(e) for errors in form.errors.values() for e in errors
    )


def test_a_past_figure_is_entered_changed_and_removed_with_audit_rows(client_for, staff, ja):
    admin = client_for("staff")
    assert _post(admin, reverse("admin:reports_manualfigure_add")).status_code == 302
    row = ManualFigure.objects.get()
    assert (row.fiscal_year, row.key, row.value) == (2006, "registered_groups_end", Decimal(59))
    assert row.source == "平成18年度事業報告書 p.3"
    log = AuditLog.objects.get(action="reports.manual_figure_set")
    assert log.actor == staff and log.data["value"] == "59" and log.data["before"] == {}

    change = reverse("admin:reports_manualfigure_change", args=[row.pk])
    assert _post(admin, change, value="4,797").status_code == 302
    row.refresh_from_db()
    assert row.value == 4797
    latest = AuditLog.objects.filter(action="reports.manual_figure_set").latest("pk")
    assert latest.data["before"]["value"] == "59.0"

    delete = reverse("admin:reports_manualfigure_delete", args=[row.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 302
    assert not ManualFigure.objects.exists()
    assert AuditLog.objects.filter(action="reports.manual_figure_delete").count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-3", "負"),
        ("たくさん", "数"),
        ("", "必須"),
        ("1e400", "数"),
        ("12.25", "小数"),
    ],
)
def test_a_negative_or_a_non_number_gets_a_clear_message(client_for, ja, value, message):
    response = _post(client_for("staff"), reverse("admin:reports_manualfigure_add"), value=value)
    assert response.status_code == 200
    assert message in _errors(response)
    assert not ManualFigure.objects.exists()


def test_a_figure_needs_its_source(client_for, ja):
    response = _post(client_for("staff"), reverse("admin:reports_manualfigure_add"), source=" ")
    assert response.status_code == 200
    assert not ManualFigure.objects.exists()


def test_a_second_figure_for_the_same_year_and_indicator_is_refused(client_for, ja):
    admin = client_for("staff")
    _post(admin, reverse("admin:reports_manualfigure_add"))
    response = _post(admin, reverse("admin:reports_manualfigure_add"), value="60")
    assert response.status_code == 200
    assert "平成18年度" in _errors(response)
    assert ManualFigure.objects.get().value == 59


def test_only_staff_enter_figures(official, committee):
    for actor in (official, committee):
        with pytest.raises(services.ReportError):
            services.manual_figure_set(
                actor=actor, fiscal_year=2006, key="page_views", value=1, source="旧カウンター"
            )
    assert not ManualFigure.objects.exists()


def test_values_for_gives_the_trend_code_the_figures_in_one_query(staff, django_assert_num_queries):
    for year, value in ((2006, 59), (2007, 64), (2008, 70)):
        services.manual_figure_set(
            actor=staff,
            fiscal_year=year,
            key="registered_groups_end",
            value=value,
            source="事業報告書",
        )
    services.manual_figure_set(
        actor=staff, fiscal_year=2007, key="page_views", value="12000", source="旧カウンター"
    )
    with django_assert_num_queries(1):
        found = manual.values_for(["registered_groups_end"], [2006, 2007])
    assert set(found) == {("registered_groups_end", 2006), ("registered_groups_end", 2007)}
    first = found[("registered_groups_end", 2006)]
    assert first.number == 59 and isinstance(first.number, int)
    assert first.source == "事業報告書" and first.manual
    assert str(first.marker) in ("Entered by hand", "手入力")


def test_computed_figures_stand_and_the_admin_shows_both_when_they_differ(
    client_for, staff, ja, today
):
    # The portal counts page views from FY2022: 4,797 that year.
    page_views(D(2022, 4, 1), 4797)
    registered_group(D(2019, 5, 1))
    for year, value in ((2021, 3500), (2022, 5000), (2023, 0)):
        services.manual_figure_set(
            actor=staff, fiscal_year=year, key="page_views", value=value, source="旧カウンター"
        )
    hand = manual.values_for(["page_views"])
    portal = manual.portal_figures(["page_views"])
    assert ("page_views", 2021) not in portal and portal[("page_views", 2022)] == 4797
    # Before the portal's data: the hand-entered figure, marked; after: the portal's own.
    shown_2021 = manual.merged(portal.get(("page_views", 2021)), hand[("page_views", 2021)])
    assert isinstance(shown_2021, manual.ManualValue) and shown_2021.number == 3500
    assert manual.merged(portal[("page_views", 2022)], hand[("page_views", 2022)]) == 4797
    assert manual.differs(portal[("page_views", 2022)], hand[("page_views", 2022)])
    assert not manual.differs(None, hand[("page_views", 2021)])

    html = client_for("staff").get(reverse("admin:reports_manualfigure_changelist")).content
    html = html.decode()
    assert "4,797" in html  # the portal's figure beside the hand-entered 5,000
    assert "異なります" in html or "differs" in html
    assert "手入力" in html or "entered by hand" in html


def test_the_trend_table_shows_a_hand_entered_figure_marked_with_its_source(
    client_for, staff, ja, today
):
    # Groups from FY2019, page views counted by the portal from FY2022 only.
    registered_group(D(2019, 5, 1))
    page_views(D(2022, 4, 1), 4797)
    services.manual_figure_set(
        actor=staff, fiscal_year=2021, key="page_views", value=3500, source="旧アクセスカウンター"
    )
    services.manual_figure_set(
        actor=staff, fiscal_year=2022, key="page_views", value=9999, source="旧アクセスカウンター"
    )
    html = client_for("official").get("/reports/annual/").content.decode()
    assert "3,500" in html and "手入力" in html and "出典：旧アクセスカウンター" in html
    # For a year the portal has data for, its own figure stands.
    assert "4,797" in html and "9,999" not in html
