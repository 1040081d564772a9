from tests.news.factories import IssueFactory, SubscriberFactory

__all__ = ["IssueFactory", "SubscriberFactory"]
