"""The outside mail server, for tests: Django's locmem backend that can be told to refuse."""

from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

from django.core.mail.backends import locmem


class FlakySMTP(locmem.EmailBackend):
    """Refuses while `down`, for the next `failures` sends, or for addresses in `refusing`.

    `during_send`, if set, runs as a message is handed over: the moment a
    second worker, or a crash, could come in. Every message accepted lands in
    django.core.mail.outbox, as with locmem.
    """

    down = False
    failures = 0
    refusing: set[str] = set()
    during_send = None
    tried: list[str] = []

    @classmethod
    def reset(cls) -> None:
        cls.down = False
        cls.failures = 0
        cls.refusing = set()
        cls.during_send = None
        cls.tried = []

    def send_messages(self, messages):
        for message in messages:
            FlakySMTP.tried += message.to
            if FlakySMTP.during_send:
                FlakySMTP.during_send(message)
            if FlakySMTP.down:
                raise SMTPServerDisconnected("Connection unexpectedly closed")
            if FlakySMTP.failures:
                FlakySMTP.failures -= 1
                raise SMTPServerDisconnected("Connection unexpectedly closed")
            refused = set(message.to) & FlakySMTP.refusing
            if refused:
                raise SMTPRecipientsRefused(dict.fromkeys(refused, (550, b"Mailbox unavailable")))
        return super().send_messages(messages)
