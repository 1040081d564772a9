"""E-mail backends that misbehave on purpose, for the sending tests."""

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class WorkerKilled(BaseException):
    """Not an Exception: nothing in the sender catches it, as with a killed worker."""


class CrashingBackend(LocmemBackend):
    """Delivers like locmem, and "kills the worker" when it reaches message ``crash_at``."""

    crash_at: int | None = None
    handled = 0

    def send_messages(self, messages):
        for message in messages:
            CrashingBackend.handled += 1
            if CrashingBackend.crash_at and CrashingBackend.handled == CrashingBackend.crash_at:
                raise WorkerKilled
            super().send_messages([message])
        return len(messages)


class RefusingBackend(LocmemBackend):
    """Refuses every address at refused.example, as a mail server does for unknown users."""

    def send_messages(self, messages):
        import smtplib

        for message in messages:
            if message.to[0].endswith("@refused.example"):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
            super().send_messages([message])
        return len(messages)
