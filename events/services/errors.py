"""The refusals of the events app's services, each carrying a message for the user."""

from __future__ import annotations


class RegistrationError(Exception):
    """Why a registration, confirmation or cancellation was refused (a user-facing message)."""


class EventError(Exception):
    """Why a proposal, approval, cancellation, lottery draw or room booking was refused."""


class SurveyError(Exception):
    """Why a survey answer was refused."""
