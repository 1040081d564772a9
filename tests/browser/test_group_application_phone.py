"""On a 390×844 phone: apply for a group in steps, make a mistake in a later step, and find the
files still attached (「選択済み：規約.pdf（変更する）」); the error summary at the top links to the
wrong field; the page is never wider than the phone and its targets are finger-sized."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from groups.models import Group, GroupDocument
from tests.a11y.layout import measure, problems_of, screenshot_path
from tests.a11y.test_axe import AXE_OPTIONS

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NEXT = "次へ"


_axe = Axe()


def check_layout(page, where: str, width: int):
    """No overflow, 44-px targets and axe clean, in the same page load; a screenshot to look at."""
    page.screenshot(path=str(screenshot_path(where, width)), full_page=True)
    problems = problems_of(measure(page), where=where)
    assert not problems, problems
    violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, [(v["id"], [n.get("target") for n in v["nodes"]]) for v in violations]


def next_step(page):
    page.locator("main form[method=post]").get_by_role("button", name=NEXT).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
def test_apply_with_an_error_in_a_later_step_and_the_files_still_attached(
    page, sign_in, citizen, tmp_path, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    rules = tmp_path / "規約.pdf"
    rules.write_bytes(PDF)
    broken = tmp_path / "役員名簿.pdf"
    broken.write_bytes(b"MZ not a pdf at all")
    officers = tmp_path / "役員名簿の写し.pdf"
    officers.write_bytes(PDF)

    sign_in(citizen)
    page.goto(reverse("groups:apply"))
    assert "手順 1/5：団体について" in page.locator("main h2").first.inner_text()
    check_layout(page, "apply step 1", width)
    page.locator("#id_name").fill("川辺の花を育てる会")
    page.locator("#id_name_kana").fill("かわべのはなをそだてるかい")
    page.locator("#id_summary").fill("川沿いの花壇を手入れする市民の会です。")
    next_step(page)

    assert "手順 2/5" in page.locator("main h2").first.inner_text()
    next_step(page)  # every question of this step may wait

    assert "手順 3/5" in page.locator("main h2").first.inner_text()
    page.locator("#id_representative_name").fill("協働 花子")
    page.locator("#id_representative_phone").fill("０８９７－００－１２３４")
    page.locator("#id_representative_address").fill("新居浜市一宮町1-1-1")
    next_step(page)

    # The documents step: the rules are fine, the officers' list is not a PDF.
    assert "手順 4/5：書類" in page.locator("main h2").first.inner_text()
    page.locator("#id_rules_document").set_input_files(str(rules))
    page.locator("#id_officers_document").set_input_files(str(broken))
    next_step(page)

    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "1 か所を確認してください" in summary.inner_text()
    kept = page.locator(".kept-file summary")
    assert kept.inner_text().replace("\n", "") == "選択済み：規約.pdf（変更する）"
    check_layout(page, "apply documents error", width)
    # The summary's link takes the finger to the field to fix.
    summary.get_by_role("link").first.click()
    assert page.evaluate("location.hash") == "#id_officers_document"
    page.locator("#id_officers_document").set_input_files(str(officers))
    next_step(page)

    # The check step: everything, the files by name, the address from the reading.
    assert "手順 5/5：確認して送信" in page.locator("main h2").first.inner_text()
    main = page.locator("main").inner_text()
    assert "規約.pdf" in main and "役員名簿の写し.pdf" in main and "0897-00-1234" in main
    assert page.locator("#id_slug").input_value() == "kawabenohanaosodaterukai"
    assert "URL名" not in main
    check_layout(page, "apply check", width)

    # Sent without the declaration: asked for it, the files are still attached.
    page.locator("main form[method=post]").get_by_role("button", name="申請する").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary a[href='#id_eligibility']").is_visible()
    assert "規約.pdf" in page.locator("main").inner_text()
    page.locator("#id_eligibility").check()
    page.locator("main form[method=post]").get_by_role("button", name="申請する").click()
    page.wait_for_url(re.compile(reverse("my_account") + "$"))
    assert "川辺の花を育てる会" in page.get_by_role("status").inner_text()

    group = Group.objects.get(name="川辺の花を育てる会")
    assert group.slug == "kawabenohanaosodaterukai"
    assert group.representative_phone == "0897-00-1234"
    assert set(GroupDocument.objects.filter(group=group).values_list("kind", flat=True)) == {
        "rules",
        "officers",
    }
