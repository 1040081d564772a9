"""Django's PostgreSQL backend, with bulk writes cut to what one statement may carry.

The portal binds parameters on the server (``server_side_binding``, kyodo_office.database):
PostgreSQL's protocol then allows at most 65,535 parameters in one statement, and Django's
backend does not split a ``bulk_create`` for it (it does for SQLite and Oracle), so a large one
would fail. Client-side binding had no such limit, as the values were written into the text.
"""

from django.db.backends.postgresql import base, operations

MAX_PARAMETERS = 65_535


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        if not self.connection.features.uses_server_side_binding:
            return super().bulk_batch_size(fields, objs)
        per_row = max(len(fields), 1)
        return max(1, min(len(objs), MAX_PARAMETERS // per_row))


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
