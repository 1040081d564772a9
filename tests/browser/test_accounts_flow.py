"""Accounts in a real browser: sign up, verify the address from the e-mail, log in and out,
switch the language, and keep one's details on "my account"."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.browser


def _link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_a_visitor_signs_up_verifies_the_address_and_lands_signed_in(page, live_url):
    page.goto("/")
    page.get_by_role("link", name="新規登録").click()
    page.get_by_label("メールアドレス").fill("Hanako@Example.jp")
    page.get_by_label("お名前").fill("協働 花子")
    page.get_by_label("パスワード", exact=True).fill("a-long-passphrase-2026")
    page.get_by_label("パスワード (再入力)").fill("a-long-passphrase-2026")
    page.get_by_label("利用規約と個人情報の取扱いに同意します").check()
    page.get_by_role("button", name="新規登録").click()

    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    assert page.locator("h1").inner_text().strip()
    user = User.objects.get(email="hanako@example.jp")
    assert user.full_name == "協働 花子"
    assert len(mail.outbox) == 1

    # The link in the e-mail opens a confirmation page; confirming signs the person in.
    link = _link_in(mail.outbox[0])
    assert link.startswith(live_url) or "/accounts/confirm-email/" in link
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url(re.compile(reverse("my_account") + "$"))
    assert "hanako@example.jp" in page.locator("main").inner_text()


def test_a_citizen_logs_in_and_out(page, citizen):
    page.goto(reverse("account_login"))
    page.get_by_label("メールアドレス").fill(citizen.email)
    page.get_by_label("パスワード").fill("pw-for-tests-2026")
    page.locator("main").get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(reverse("my_account") + "$"))
    assert page.get_by_role("heading", level=1).inner_text() == "マイページ"

    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_load_state()
    page.goto(reverse("my_account"))
    assert reverse("account_login") in page.url


def test_a_wrong_password_is_explained_in_japanese(page, citizen):
    page.goto(reverse("account_login"))
    page.get_by_label("メールアドレス").fill(citizen.email)
    page.get_by_label("パスワード").fill("not-the-password")
    page.locator("main").get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    assert "正しくありません" in page.locator("main").inner_text()
    assert reverse("account_login") in page.url


def test_the_language_switch_keeps_the_page_and_remembers_the_choice(page):
    page.goto(reverse("events:list"))
    assert page.locator("html").get_attribute("lang") == "ja"
    page.get_by_role("button", name="English").click()
    page.wait_for_url(re.compile(reverse("events:list") + "$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Groups").count()

    # The choice is kept in the language cookie for the next page.
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="日本語").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ja"


def test_my_account_saves_the_details(page, sign_in, citizen):
    sign_in(citizen)
    page.goto(reverse("my_account"))
    page.get_by_label("お名前", exact=True).fill("新しい 名前")
    page.get_by_label("電話番号", exact=False).fill("0897-11-2222")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").count()
    citizen.refresh_from_db()
    assert citizen.full_name == "新しい 名前"
    assert citizen.phone == "0897-11-2222"
