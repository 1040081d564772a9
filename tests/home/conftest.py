from tests.news.conftest import _publishing_db  # noqa: F401
