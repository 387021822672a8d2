"""The admin shows a placement's status but cannot change it: the lifecycle verbs check every rule."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from altprov.models import User
from placements.models import Status

from ..factories import PlacementFactory

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's change form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            checkable = a.get("type") in ("checkbox", "radio")
            if checkable and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on" if checkable else ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.setdefault(self._select, []).append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            # As a browser does, drop the newline that follows <textarea>.
            text = self.data[self._textarea][-1] + data
            self.data[self._textarea][-1] = text.removeprefix("\n")


def test_status_cannot_be_changed_in_the_admin(client, school):
    active = PlacementFactory(school=school, learner__school=school, status=Status.ACTIVE)
    admin_user = User.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin_user)
    url = reverse("admin:placements_placement_change", args=[active.pk])
    page = client.get(url)
    assert page.status_code == 200
    fields = _FormFields()
    fields.feed(page.content.decode())
    assert "status" not in fields.data
    data = fields.data | {"status": ["agreed"], "review_frequency_weeks": ["4"]}
    response = client.post(url, data)
    assert response.status_code == 302
    active.refresh_from_db()
    assert active.review_frequency_weeks == 4  # the form was saved
    assert active.status == Status.ACTIVE
