"""Hostile and random input for forms (hypothesis strategies) and the checks every form must pass:
no server error, and either a complete save or none at all."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR '1'='1' --",
    "1; DROP TABLE accounts_user; --",
    "../../../../etc/passwd",
    "%00%2e%2e%2f",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "${jndi:ldap://127.0.0.1/x}",
    "\u202egnp.exe",
    "\ufeff\u200b\u200d",
    "ｆｕｌｌ　ｗｉｄｔｈ　１２３",
    "山田　太郎",
    "😀👨‍👩‍👧‍👦",
    "\ud7ff\ue000\uffff",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "2026-13-01T25:61",
    "null",
    "[]",
    "a" * 5000,
    "あ" * 3000,
    "\r\n\r\nBcc: victim@example.org",
    "x@example.org\nBcc: victim@example.org",
]

# Surrogates cannot be sent in a UTF-8 form body; everything else may be.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
hostile_text = st.one_of(st.sampled_from(HOSTILE), any_text)

FORM_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def form_data(fields: list[str], **fixed) -> st.SearchStrategy[dict]:
    """A dict of every field to hostile text; a field may also be left out entirely."""
    values = {name: st.one_of(hostile_text, st.none()) for name in fields}
    return st.fixed_dictionaries(values).map(
        lambda d: {**{k: v for k, v in d.items() if v is not None}, **fixed}
    )


class _Rollback(Exception):
    pass


@contextmanager
def each_example_rolled_back():
    """Run one example inside a savepoint that is always rolled back (the test's own data stays)."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def assert_no_server_error(response, data) -> None:
    assert response.status_code < 500, f"{response.status_code} for {data!r}"
