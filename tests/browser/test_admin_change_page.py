"""A group's admin change page in Chromium at 1366×900: the two-box pickers of fields and areas
(Django's SelectFilter) work under the Content-Security-Policy (no inline script or style: the
widget sets classes and properties from its own static files), and the record's history is a
plain section below the form and its buttons, its heading one line high. Screenshot
test-results/admin_group_change_1366.png."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.audit import log_action
from groups.models import ActivityField, Group
from tests.browser.conftest import RESULTS_DIR
from tests.factories import GroupFactory

pytestmark = pytest.mark.browser

GEOMETRY_JS = """() => {
  const box = (s) => document.querySelector(s).getBoundingClientRect();
  return {history: box('.audit-history'), heading: box('.audit-history h2'),
          buttons: box('#content-main .submit-row'), form: box('#content-main')};
}"""


@pytest.mark.django_db(transaction=True)
def test_the_group_admin_pickers_keep_the_csp_and_the_history_sits_below_the_form(
    page, sign_in, live_url, staff
):
    # A live-server test before this one may have flushed the fields the migrations seed.
    for order, (slug, name) in enumerate(
        [("environment", "環境の保全"), ("community", "まちづくり")]
    ):
        ActivityField.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
    group = GroupFactory(name="川をきれいにする会")
    for _ in range(3):
        log_action(actor=staff, action="groups.group_profile_update", target=group,
                   changed=["summary"])  # fmt: skip
    sign_in(staff)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_url}{reverse('admin:groups_group_change', args=[group.pk])}")
    assert page.locator("#id_fields_from").is_visible()  # the picker was built by its script
    page.fill("#id_fields_input", "")
    page.select_option("#id_fields_from", index=0)
    page.click("#id_fields_add")
    assert page.locator("#id_fields_to option").count() == 1
    page.click("#id_fields_add_all")
    chosen = page.locator("#id_fields_to option").count()
    assert chosen > 1

    shape = page.evaluate(GEOMETRY_JS)
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / "admin_group_change_1366.png"), full_page=True)
    assert shape["history"]["top"] >= shape["buttons"]["bottom"]  # below the save buttons
    assert shape["history"]["top"] >= shape["form"]["bottom"] - 1  # not behind the form
    assert shape["heading"]["height"] < 60  # one line, not a tall bar

    page.click("input[name=_continue]")
    page.wait_for_url(f"**/admin/groups/group/{group.pk}/change/")
    assert Group.objects.get(pk=group.pk).fields.count() == chosen
    # The page fixture fails the test on any Content-Security-Policy report in the console.
