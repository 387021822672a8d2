"""Every form, staff and link alike, posted random, very long, Unicode, NUL and boundary values.

The pages come from the role matrix (tests/altprov/test_role_matrix.py): each
GET page's POST forms are read from its HTML (the names of its inputs, selects
and textareas), each POST action is posted the fields of its sample data; the
link pages (provider register and its incident and concern pages, termly
review, signing) are reached through real links. For every example:

- never a server error;
- a form sent back (not a redirect) saved nothing: no table gained or lost a row;
- a `<script>` sent in comes back escaped, never as markup.

Each example runs in a savepoint rolled back after it, so one example's save
does not change what the next one meets. Bounded for the suite: a few
examples per form (FUZZ_EXAMPLES, default 3) and no deadline.
"""

import os
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from altprov.links import issue_link
from altprov.models import LinkAudience, LinkPurpose

from .test_role_matrix import (  # noqa: F401 - the matrix's module fixtures build the same world here
    HEAD,
    MATRIX,
    ROLES,
    Case,
    _module_transaction,
    _private_media_root,
    private_media,
    school,
)
from .test_role_matrix import world as world  # noqa: F401

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
MARKER = "<script>fuzzmark()</script>"
# Never posted: signing out ends the run's session.
SKIP_ACTIONS = {reverse("logout")}

BOUNDARY = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "2147483648",
    "-9223372036854775809",
    "9" * 40,
    "1e309",
    "NaN",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "31/12/2026",
    "25:61",
    "on",
    "true",
    "\x00",
    "a\x00b",
    "\u202e\u0301\ufeff",
    "Zoë Ó'Brien 漢字 😀",
    "x" * 5000,
    "y" * 20000,
    "Ünïcödé 🏫 " * 400,
    MARKER,
    f"{MARKER}\x00",
]


def values(original: list[str]) -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(BOUNDARY + original),
        st.text(max_size=200),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


class FormReader(HTMLParser):
    """The POST forms of a page: action, and each field's name with the values the page offers."""

    def __init__(self):
        super().__init__()
        self.forms: list[SimpleNamespace] = []
        self.current: SimpleNamespace | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").lower()
            self.current = SimpleNamespace(action=a.get("action"), fields={}) if method == "post" else None
            if self.current is not None:
                self.forms.append(self.current)
            return
        if self.current is None:
            return
        name = a.get("name")
        if tag in {"input", "textarea", "button"} and name:
            self.current.fields.setdefault(name, [])
            if a.get("value") is not None:
                self.current.fields[name].append(a["value"])
        elif tag == "select" and name:
            self.select = name
            self.current.fields.setdefault(name, [])
        elif tag == "option" and self.select and a.get("value") is not None:
            self.current.fields[self.select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def forms_on(html: str, page_url: str) -> list[SimpleNamespace]:
    reader = FormReader()
    reader.feed(html)
    for form in reader.forms:
        form.action = urlsplit(form.action).path if form.action else urlsplit(page_url).path
    return [f for f in reader.forms if f.action not in SKIP_ACTIONS and f.action.startswith("/")]


def row_counts() -> dict[str, int]:
    """The rows of every table, in one query."""
    tables = sorted({model._meta.db_table for model in apps.get_models() if model._meta.managed})
    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)  # noqa: S608
    sql = f"SELECT {counts}"  # noqa: S608 - the project's own table names, quoted
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


# Rows written by being asked at all: who read safeguarding or a learner's record, a link's request count.
READ_LOGS = {"monitoring_concernread", "placements_accesslog", "altprov_ratecount"}

# A form on every page (switching school, say) is fuzzed once, not on every page.
FUZZED: set[str] = set()


def fuzz(client: Client, action: str, fields: dict[str, list[str]]) -> None:
    if action in FUZZED:
        return
    FUZZED.add(action)
    names = sorted(fields)
    data_strategy = st.fixed_dictionaries({name: values(fields[name]) for name in names})

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        # No shrinking: each step is a request, and the failing example is reported as found.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=data_strategy)
    def post(data):
        with transaction.atomic():
            before = row_counts()
            try:
                response = client.post(action, data)
            except Exception as error:  # the test client re-raises what would be a 500
                raise AssertionError(f"{action} raised {type(error).__name__}: {error}") from error
            assert response.status_code < 500, f"{action} answered {response.status_code}"
            if response.status_code not in (301, 302, 303):
                changed = {t: n for t, n in row_counts().items() if n != before[t] and t not in READ_LOGS}
                assert not changed, f"{action} answered {response.status_code} but saved rows: {changed}"
            if response.get("Content-Type", "").startswith("text/html"):
                assert MARKER.encode() not in response.content, f"{action} echoed <script> unescaped"
            transaction.set_rollback(True)

    post()


def allowed_role(case: Case) -> str:
    return HEAD if HEAD in case.allowed else next(role for role in ROLES if role in case.allowed)


def _cases():
    seen = set()
    for case in MATRIX:
        key = (case.url_name, case.method)
        if key in seen:
            continue
        seen.add(key)
        yield pytest.param(case, id=case.id)


@pytest.mark.parametrize("case", list(_cases()))
def test_staff_forms_survive_random_input(client, world, role_user, case):
    client.force_login(role_user(allowed_role(case)))
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    if case.method == "post":
        sample = case.data(world) if case.data else {}
        fuzz(client, url, {name: [str(value)] for name, value in sample.items()} or {"note": []})
        return
    response = client.get(url)
    assert response.status_code == 200
    if not response["Content-Type"].startswith("text/html"):
        return
    for form in forms_on(response.content.decode(), url):
        fuzz(client, form.action, form.fields)


def link_tokens(w) -> dict[str, str]:
    signature = w.awaiting_agreement.signatures.exclude(contact=None).first() or (
        w.awaiting_agreement.signatures.first()
    )
    _, register = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=w.school, subject=w.provider)
    _, review = issue_link(purpose=LinkPurpose.TERMLY_REVIEW, school=w.school, subject=w.waiting_review)
    _, signing = issue_link(
        purpose=LinkPurpose.SIGNATURE, school=w.school, subject=signature, audience=LinkAudience.PARENT
    )
    return {
        "register": reverse("link_page", kwargs={"token": register}),
        "incident": reverse("link_subpage", kwargs={"token": register, "page_name": "incident"}),
        "concern": reverse("link_subpage", kwargs={"token": register, "page_name": "concern"}),
        "review": reverse("link_page", kwargs={"token": review}),
        "signing": reverse("link_page", kwargs={"token": signing}),
    }


@pytest.mark.parametrize("page", ["register", "incident", "concern", "review", "signing"])
def test_link_forms_survive_random_input(world, page):
    client = Client()
    url = link_tokens(world)[page]
    response = client.get(url)
    assert response.status_code == 200
    forms = forms_on(response.content.decode(), url)
    if not forms and page == "register":
        # No learner expected today: the register's actions are still posted.
        forms = [SimpleNamespace(action=url, fields={"all_present": [], "save": []})]
    assert forms, f"the {page} link page shows no form"
    for form in forms:
        fuzz(client, form.action, form.fields)
