"""PostgreSQL extensions the portal relies on: btree_gist (exclusion constraints against double
booking) and pg_trgm (indexed Japanese substring search)."""

from django.contrib.postgres.operations import BtreeGistExtension, TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [BtreeGistExtension(), TrigramExtension()]
