from tests.news.factories import PostFactory

__all__ = ["PostFactory"]
