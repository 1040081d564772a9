"""Every place in the portal's code that builds or sends a mail has been reviewed for secrets.

All mail goes through the mail log (EMAIL_BACKEND), which keeps each mail's text for its
recipients to read again. A mail that carries a sign-in code or a one-time link must say so
(header ``X-Kyodo-Secret: 1``) so that only its subject is kept. This test walks the code for
mail-sending calls; a new one fails here until someone decides whether it carries a secret and
adds it to REVIEWED below (with the decision in a few words).
"""

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_FOLDERS = {".venv", "node_modules", "tests", "migrations", ".git", ".local", "bench"}
MAIL_CALLS = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
    "get_connection",
    "render_mail",
}

# (file, enclosing function, call) -> how many such calls, and the decision.
REVIEWED: dict[tuple[str, str, str], tuple[int, str]] = {
    ("bulletin/services.py", "_notify_staff", "send_mail"): (
        1,
        "to the office's inbox: post title and an admin link, no secret",
    ),
    ("collaboration/emails.py", "send_after_commit", "EmailMessage"): (
        1,
        "proposal and project steps to the group, the office and the department: no secret",
    ),
    ("events/emails.py", "_send", "EmailMessage"): (
        1,
        "guest confirmation link secret (secret=True); the rest have no secret, guests' "
        "manage links are removed by maillog.redact",
    ),
    ("facilities/notifications.py", "_send", "EmailMessage"): (
        1,
        "booking and loan notices (with the booking's .ics): no secret",
    ),
    ("groups/emails.py", "send_after_commit", "EmailMessage"): (
        1,
        "the invitation (SECRET_MAILS) is secret; the other group mails carry no token",
    ),
    ("news/services.py", "_mail", "EmailMessage"): (
        1,
        "the programme's appearance notices to a group's members and the office: no secret",
    ),
    ("news/services.py", "opinion_submit", "send_mail"): (
        1,
        "to the office's inbox: an admin link, no secret",
    ),
    ("newsletter/mail.py", "build_issue_message", "EmailMultiAlternatives"): (
        1,
        "the issue: no secret; its personal unsubscribe links are removed by maillog.redact",
    ),
    ("newsletter/mail.py", "send_confirmation", "EmailMultiAlternatives"): (
        1,
        "the subscription confirmation link: secret",
    ),
    ("newsletter/mail.py", "send_already_subscribed", "EmailMultiAlternatives"): (
        1,
        "a notice; its personal preference links are removed by maillog.redact",
    ),
    ("newsletter/sending.py", "deliver", "get_connection"): (
        1,
        "one connection for a mail-out's batches (built by build_issue_message or "
        "build_office_message)",
    ),
    ("newsletter/mail.py", "build_office_message", "EmailMultiAlternatives"): (
        1,
        "a message from the office: no secret, no personal link (the same text for everyone "
        "but its reason line)",
    ),
    ("maillog/backends.py", "LoggingEmailBackend.__init__", "get_connection"): (
        1,
        "the mail log's own inner backend",
    ),
}


def _source_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_FOLDERS & set(relative.parts):
            continue
        yield relative


def _calls_super(func) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
    )


class _Finder(ast.NodeVisitor):
    def __init__(self):
        self.scope: list[str] = []
        self.found: Counter = Counter()

    def _visit_scope(self, node):
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _visit_scope

    def visit_Call(self, node):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        # ``super().send_mail(...)`` in an override hands over to the parent's own sending
        # (allauth's goes through render_mail, reviewed below): not a new place.
        if _calls_super(func):
            name = None
        if name in MAIL_CALLS:
            self.found[(".".join(self.scope) or "<module>", name)] += 1
        self.generic_visit(node)


def mail_call_sites() -> Counter:
    sites: Counter = Counter()
    for relative in _source_files():
        finder = _Finder()
        finder.visit(ast.parse((ROOT / relative).read_text(encoding="utf-8")))
        for (scope, name), count in finder.found.items():
            sites[(relative.as_posix(), scope, name)] += count
    return sites


def test_every_mail_sending_call_has_been_reviewed_for_secrets():
    sites = mail_call_sites()
    new = {site: count for site, count in sites.items() if REVIEWED.get(site, (0,))[0] < count}
    assert not new, (
        "New places that send mail. Decide whether each carries a sign-in code or one-time "
        "link (then set the header X-Kyodo-Secret: 1 on it), test it in "
        "tests/maillog/test_secrets.py, and add it to REVIEWED in this file:\n  "
        + "\n  ".join(f"{site}: {count} call(s)" for site, count in sorted(new.items()))
    )


def test_the_reviewed_list_holds_no_stale_entry():
    sites = mail_call_sites()
    stale = sorted(site for site in REVIEWED if site not in sites)
    assert not stale, f"REVIEWED lists calls that are gone (remove them): {stale}"


def test_allauths_mails_are_marked_by_the_portals_adapter():
    """allauth builds every one of its mails in the adapter's render_mail: the portal's adapter
    wraps it (secret unless listed as a notice without a link or code)."""
    from allauth.account.adapter import DefaultAccountAdapter, get_adapter

    from accounts.adapter import NOT_SECRET_MAILS, AccountAdapter

    assert isinstance(get_adapter(), AccountAdapter)
    assert AccountAdapter.render_mail is not DefaultAccountAdapter.render_mail
    for secret in ("email_confirmation", "email_confirmation_signup", "password_reset_key"):
        assert f"account/email/{secret}" not in NOT_SECRET_MAILS
    for secret in ("login_code", "password_reset_code"):
        assert f"account/email/{secret}" not in NOT_SECRET_MAILS
