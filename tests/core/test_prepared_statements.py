"""Statements a connection runs again are prepared on the server (issue #20): parameters are
bound by the server, psycopg prepares a statement from its second run, so PostgreSQL parses and
plans it once per connection instead of on every request. Bulk writes still work whatever
their size: the backend cuts them to the protocol's limit of parameters per statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kyodo_office import database
from kyodo_office.postgres.base import MAX_PARAMETERS
from tests.factories import GroupFactory


def test_the_settings_bind_on_the_server_unless_told_not_to(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kyodo_office")
    monkeypatch.delenv("DATABASE_SERVER_SIDE_BINDING", raising=False)
    config = database.database_settings()
    assert config["ENGINE"] == "kyodo_office.postgres"
    assert config["OPTIONS"]["server_side_binding"] is True
    assert config["OPTIONS"]["prepare_threshold"] == 2
    monkeypatch.setenv("DATABASE_SERVER_SIDE_BINDING", "0")
    assert "server_side_binding" not in database.database_settings()["OPTIONS"]


@pytest.mark.django_db
def test_a_statement_run_again_is_prepared_on_the_server():
    group = GroupFactory()
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT name FROM groups_group WHERE id = %s", [group.pk])
            assert cursor.fetchone() == (group.name,)
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["SELECT name FROM groups_group WHERE id = $1%"],
        )
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db
def test_a_bulk_write_larger_than_one_statement_may_carry_is_split():
    from groups.models import Group

    fields = 14  # a group has more columns than this: more rows than one statement carries
    count = MAX_PARAMETERS // fields + 50
    with CaptureQueriesContext(connection) as seen:
        Group.objects.bulk_create(
            Group(name=f"一括{i}", name_kana=f"いっかつ{i}", slug=f"bulk-split-{i}")
            for i in range(count)
        )
    inserts = [
        q for q in seen.captured_queries if q["sql"].startswith('INSERT INTO "groups_group"')
    ]
    assert len(inserts) >= 2
    assert Group.objects.filter(slug__startswith="bulk-split-").count() == count
