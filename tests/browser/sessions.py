"""A browser context signed in as a user, through the session a login would leave."""

from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext


def sign_in(context: BrowserContext, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
