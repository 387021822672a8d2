"""axe-core on every page each role reaches, at 1280 px and at 375 px (WCAG 2.2 AA).

The pages are the role matrix's: every GET page of tests/altprov/test_role_matrix.py
MATRIX that the role may open, over the same world of records. Form pages are
also checked in their error state, and every link page (the provider register,
its expired, withdrawn and invalid pages, "Email me a fresh link") and the
public pages without a login. Any serious or critical violation fails; the
others are listed as warnings in the test output.

One browser, one context per role; each page is loaded once and checked at
both widths (the layout follows the viewport through CSS alone).
"""

import re
import warnings
from datetime import datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Browser, BrowserContext, Page, expect

from altprov import links
from altprov.links import issue_link
from altprov.models import LinkPurpose, LinkToken
from altprov.notifications import notify
from monitoring.models import Visit
from placements.models import Status, Term

from ..altprov.test_role_matrix import MATRIX, ROLES, make_world
from ..factories import LearnerFactory, PlacementFactory, ProviderFactory
from .axe import Report
from .keyboard import tab_through
from .sessions import sign_in

LONDON = ZoneInfo("Europe/London")
WIDTHS = (1280, 375)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# GET answers that are files, not pages.
NOT_PAGES = {
    "placements:evidence_file",
    "attendance:export_marks",
    "attendance:export_summary",
    "attendance:register_grid_csv",
    "placements:learner_search",
    "placements:provider_search",
    "placements:site_search",
    "monitoring:report_learner_search",
    "monitoring:report_placement_search",
    "monitoring:review_pdf",
    "monitoring:visit_pdf",
    "monitoring:concern_file",
    "placements:agreement_pdf",
    "placements:contract_pdf",
}

# Main forms, sent empty (the browser's own checks turned off) to see their error state.
FORMS_IN_ERROR = [
    "placements:learner_create",
    "placements:provider_create",
    "placements:placement_create",
    "placements:placement_end",
    "placements:term_create",
    "placements:closure_create",
    "placements:evidence_create",
    "attendance:intervention_create",
    "attendance:parent_contact_create",
    "school_settings",
    "placements:placement_edit",
    "placements:placement_meeting",
    "placements:placement_targets",
    "placements:placement_cease",
    "placements:provider_edit",
    "placements:site_create",
    "placements:review_create",
    "attendance:record_marks",
    "attendance:amend_mark",
    "attendance:close_flag",
    "monitoring:review_detail",
    "placements:learner_edit",
    "placements:term_edit",
    "monitoring:meeting_create",
    "monitoring:action_done",
    "monitoring:concern_raise",
    "monitoring:incident_report",
    "monitoring:incident_decide",
    "placements:agreement_edit",
    "placements:agreement_sign",
]
# The same, for the DSL's forms. (The attainment form has one optional box: it has no error state.)
DSL_FORMS_IN_ERROR = ["placements:provider_withdraw"]

EVERY_SESSION = {f"{day}_{s}": True for day in ("mon", "tue", "wed", "thu", "fri") for s in ("am", "pm")}


def next_weekday(day):
    day += timedelta(days=1)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


@pytest.fixture
def world(school, tmp_path, settings):
    """The role matrix's world on a school day at 10:30, with a register to fill and an unread notification.

    The clock only moves forward (see test_provider_register_phone.py).
    """
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/private-not-served/"},
        },
    }
    day = next_weekday(timezone.localdate())
    with time_machine.travel(datetime.combine(day, time(10, 30), tzinfo=LONDON), tick=True):
        cache.clear()
        w = make_world(school, tmp_path)
        Term.objects.filter(pk=w.term.pk).update(
            start_date=day - timedelta(days=60),
            end_date=day + timedelta(days=60),
            half_term_start=day + timedelta(days=30),
            half_term_end=day + timedelta(days=34),
        )
        PlacementFactory(
            learner=LearnerFactory(school=school, legal_first_name="Tyler", preferred_name="TJ"),
            provider=w.provider,
            status=Status.ACTIVE,
            start_date=day,
            activated_on=day,
            target_end_date=day + timedelta(weeks=12),
            **EVERY_SESSION,
        )
        _, w.token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=w.provider)
        expired, w.expired_token = issue_link(
            purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=w.provider
        )
        LinkToken.objects.filter(pk=expired.pk).update(
            created_at=timezone.now() - timedelta(days=8), expires_at=timezone.now() - timedelta(days=1)
        )
        revoked, w.revoked_token = issue_link(
            purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=w.provider
        )
        LinkToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
        yield w


@pytest.fixture
def report():
    found = Report()
    yield found
    if found.listed:
        warnings.warn(f"axe, moderate and minor:\n{found.summary()}", stacklevel=1)


@pytest.fixture
def context_for(browser: Browser, live_server):
    """A browser context signed in as `user` (None: signed out).

    Reduced motion, so that the checks see settled pages rather than Bootstrap's transitions.
    """
    opened: list[BrowserContext] = []

    def make(user=None, **options) -> Page:
        # axe is added to each page as an inline script, which the site's
        # Content-Security-Policy refuses: the checks' own contexts bypass it
        # (tests/browser/test_content_security_policy.py checks the policy).
        context = browser.new_context(
            base_url=live_server.url, reduced_motion="reduce", bypass_csp=True, **options
        )
        opened.append(context)
        if user is not None:
            sign_in(context, live_server, user)
        return context.new_page()

    yield make
    for context in opened:
        context.close()


def check_at_both_widths(page: Page, report: Report, where: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        report.check(page, f"{where} @{width}px")


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    assert response.headers["content-type"].startswith("text/html"), url


def pages_for(role: str, w: SimpleNamespace) -> list[tuple[str, str]]:
    return [
        (case.url_name, reverse(case.url_name, kwargs=case.kwargs(w)))
        for case in MATRIX
        if case.method == "get" and role in case.allowed and case.url_name not in NOT_PAGES
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_the_role_reaches_passes_axe(world, role_user, context_for, report, role):
    user = role_user(role)
    notify(
        users=[user],
        school=world.school,
        key=f"a11y-{role}",
        subject="A placement needs a look",
        body="Riverside Skills has not sent the morning register.",
        url="/",
    )
    page = context_for(user)
    for name, url in pages_for(role, world):
        visit(page, url)
        check_at_both_widths(page, report, f"{role} {name}")
    assert report.pages == 2 * len(pages_for(role, world))
    report.assert_clean()


def send_empty(page: Page, url: str) -> None:
    """The page's main form sent with every typed field emptied, the browser's own checks turned off."""
    visit(page, url)
    form = page.locator("main form[method=post]").filter(has=page.locator("[type=submit]")).first
    form.evaluate(
        """form => {
            form.noValidate = true;
            const typed = "input[type=text], input[type=date], input[type=email], input[type=tel], "
                + "input[type=number], textarea";
            for (const field of form.querySelectorAll(typed)) field.value = "";
        }"""
    )
    form.locator("[type=submit]").first.click()
    expect(page.locator(".is-invalid, .invalid-feedback, .errorlist").first).to_be_attached()


def test_forms_in_their_error_state_pass_axe(world, head, dsl, context_for, report):
    kwargs = {case.url_name: case.kwargs(world) for case in MATRIX if case.method == "get"}
    for user, names in [(head, FORMS_IN_ERROR), (dsl, DSL_FORMS_IN_ERROR)]:
        page = context_for(user)
        for name in names:
            send_empty(page, reverse(name, kwargs=kwargs[name]))
            check_at_both_widths(page, report, f"{user.username} {name} (errors)")
    report.assert_clean()


def test_refused_steps_pass_axe(world, head, dsl, context_for, report):
    """Agree, activate and approve when they cannot succeed: the reasons, said as what to do."""
    page = context_for(head)
    # Agree with no targets: refused, the reasons in an alert on the placement page.
    planning = PlacementFactory(
        learner=LearnerFactory(school=world.school), provider=world.provider, status=Status.PLANNING
    )
    visit(page, planning.get_absolute_url())
    page.get_by_role("button", name="Agree the placement").click()
    expect(page.get_by_role("alert")).to_contain_text("target")
    check_at_both_widths(page, report, "head agree (refused)")

    # Activate while checks are unmet (a provider the school has not approved): no button, the
    # reasons instead; and a POST sent anyway is refused.
    agreed = PlacementFactory(
        learner=LearnerFactory(school=world.school),
        provider=ProviderFactory(name="Not Approved Here Ltd"),
        status=Status.AGREED,
    )
    visit(page, agreed.get_absolute_url())
    expect(page.locator("#activation-problems")).to_be_visible()
    expect(page.get_by_role("button", name="Activate")).to_have_count(0)
    check_at_both_widths(page, report, "head activate (unavailable)")
    page.evaluate(
        """url => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = url;
            form.append(document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode());
            document.body.append(form);
            form.submit();
        }""",
        reverse("placements:placement_activate", kwargs={"pk": agreed.pk}),
    )
    expect(page.get_by_role("alert").first).to_contain_text("not approved")
    check_at_both_widths(page, report, "head activate (refused)")

    # Approve a provider whose evidence is not complete: the reasons, and no Approve to press.
    page = context_for(dsl)
    unready = ProviderFactory(name="Not Ready Yet Ltd")
    visit(page, reverse("placements:provider_approve", kwargs={"pk": unready.pk}))
    expect(page.get_by_role("alert")).to_contain_text("cannot be approved yet")
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()
    check_at_both_widths(page, report, "dsl approve (refused)")
    report.assert_clean()


def test_the_visit_form_in_its_error_state_passes_axe(world, head, context_for, report):
    # A draft is its author's alone, so the form is not among the matrix's pages: the head opens their own.
    draft = Visit.objects.create(school=world.school, placement=world.active, staff=head, created_by=head)
    page = context_for(head)
    visit(page, reverse("monitoring:visit_edit", kwargs={"pk": draft.pk}))
    check_at_both_widths(page, report, "head visit_edit")
    page.locator("#id_visited_on").fill("")
    page.get_by_role("button", name="Submit the visit").click()
    expect(page.locator(".is-invalid, .invalid-feedback").first).to_be_attached()
    check_at_both_widths(page, report, "head visit_edit (errors)")
    report.assert_clean()


def test_link_and_public_pages_pass_axe(world, head, context_for, report, monkeypatch):
    page = context_for(None)
    register = reverse("link_page", kwargs={"token": world.token})
    visit(page, register)
    check_at_both_widths(page, report, "provider register")

    # The register's error state: Absent with no reason.
    session = page.locator("[id^=session-]").first
    session.locator("summary").click()
    session.locator("label.btn", has_text="Absent").click()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".is-invalid, .invalid-feedback, .errorlist").first).to_be_attached()
    check_at_both_widths(page, report, "provider register (errors)")

    for problem, token in [("expired", world.expired_token), ("revoked", world.revoked_token)]:
        response = page.goto(reverse("link_page", kwargs={"token": token}))
        assert response.status == 410
        check_at_both_widths(page, report, f"link {problem}")
    response = page.goto(reverse("link_page", kwargs={"token": "1.not-a-real-secret"}))
    assert response.status == 404
    check_at_both_widths(page, report, "link invalid")

    page.goto(reverse("link_page", kwargs={"token": world.expired_token}))
    page.get_by_role("button", name="Email me a fresh link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_at_both_widths(page, report, "link fresh")
    page.goto(reverse("link_page", kwargs={"token": world.expired_token}))
    page.get_by_role("button", name="Email me a fresh link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A fresh link was asked for recently")
    check_at_both_widths(page, report, "link fresh, asked for recently")

    monkeypatch.setattr(links, "OPEN_PER_MINUTE", 0)
    response = page.goto(register)
    assert response.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many requests")
    check_at_both_widths(page, report, "link too many requests")

    for name in ["help", "accessibility", "privacy"]:
        visit(page, reverse(name))
        check_at_both_widths(page, report, name)
    response = page.goto("/no-such-page/")
    assert response.status == 404
    check_at_both_widths(page, report, "404")

    for name in ["login", "password_reset", "password_reset_done", "password_reset_complete"]:
        visit(page, reverse(name))
        check_at_both_widths(page, report, name)
    page.goto(reverse("login"))
    page.get_by_role("button", name="Log in").click()
    check_at_both_widths(page, report, "login (errors)")

    confirm = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(head.pk)),
            "token": default_token_generator.make_token(head),
        },
    )
    visit(page, confirm)
    check_at_both_widths(page, report, "password_reset_confirm")
    page.locator("main form [type=submit]").first.click()
    check_at_both_widths(page, report, "password_reset_confirm (errors)")
    report.assert_clean()


def test_termly_review_link_page_passes_axe_with_and_without_errors(world, context_for, report):
    _, token = issue_link(
        purpose=LinkPurpose.TERMLY_REVIEW, school=world.school, subject=world.waiting_review
    )
    page = context_for(None)
    visit(page, reverse("link_page", kwargs={"token": token}))
    check_at_both_widths(page, report, "termly review link")
    page.get_by_label("Attendance this term (%)").fill("80")
    page.get_by_role("button", name="Send the review").click()
    expect(page.locator(".is-invalid, .invalid-feedback, .errorlist").first).to_be_attached()
    check_at_both_widths(page, report, "termly review link (errors)")
    report.assert_clean()


def test_the_providers_urgent_pages_pass_axe(world, context_for, report):
    """The register link's "Report a serious incident" and "Raise a safeguarding concern", sent empty too."""
    page = context_for(None)
    for name, heading in [
        ("incident", "Report a serious incident"),
        ("concern", "Raise a safeguarding concern"),
    ]:
        visit(page, reverse("link_subpage", kwargs={"token": world.token, "page_name": name}))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_at_both_widths(page, report, f"provider {name}")
        page.locator("main form [type=submit]").click()
        expect(page.locator(".is-invalid, .invalid-feedback, .errorlist").first).to_be_attached()
        check_at_both_widths(page, report, f"provider {name} (errors)")
    report.assert_clean()


def test_signing_link_page_passes_axe_with_and_without_errors(world, context_for, report):
    from placements.models import Signature, SignerRole
    from placements.signing import send_for_signature

    contract = world.draft_contract
    send_for_signature(document=contract, by=None)
    signature = Signature.objects.filter(contract=contract, role=SignerRole.PARENT).first()
    _, token = issue_link(purpose=LinkPurpose.SIGNATURE, school=world.school, subject=signature)
    page = context_for(None)
    visit(page, reverse("link_page", kwargs={"token": token}))
    check_at_both_widths(page, report, "signing link")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator(".is-invalid, .invalid-feedback, .errorlist").first).to_be_attached()
    check_at_both_widths(page, report, "signing link (errors)")
    report.assert_clean()


def test_refusals_and_the_signed_out_page_pass_axe(world, head, context_for, report):
    page = context_for(head)
    response = page.goto(reverse("placements:provider_approve", kwargs={"pk": world.provider.pk}))
    assert response.status == 403
    check_at_both_widths(page, report, "head 403")
    response = page.goto("/no-such-page/")
    assert response.status == 404
    check_at_both_widths(page, report, "head 404")
    for name in ["help", "accessibility", "privacy"]:
        visit(page, reverse(name))
        check_at_both_widths(page, report, f"head {name}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(reverse("login")))
    check_at_both_widths(page, report, "signed out")
    report.assert_clean()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_menu_works_without_javascript(world, head, context_for, report, width):
    """Every menu link shown and followed without JavaScript: no fold, no dropdown to open."""
    with_js = context_for(head)
    visit(with_js, reverse("attendance:today"))
    expected = with_js.locator("#main-nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert reverse("placements:learner_list") in expected and reverse("school_settings") in expected

    page = context_for(head, java_script_enabled=False)
    page.set_viewport_size({"width": width, "height": 900})
    visit(page, reverse("attendance:today"))
    expect(page.locator("html")).to_have_class("no-js")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    # The sections' names are plain labels over their links, not buttons that do nothing.
    nav = page.locator("#main-nav")
    expect(nav.get_by_role("button")).to_have_count(1)  # "Log out"
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    for section in ["Attendance", "Learners", "School"]:
        name = nav.locator(".section-name", has_text=section)
        expect(name).to_be_visible()
        assert name.evaluate("el => el.tagName") == "SPAN"
        expect(nav.get_by_role("list", name=section)).to_be_visible()
    expect(nav.locator(".section-name", has_text="Attendance")).to_have_attribute("aria-current", "true")
    expect(page.locator("[aria-expanded]:visible")).to_have_count(0)
    links = page.locator("#main-nav a")
    assert links.evaluate_all("links => links.map(a => a.getAttribute('href'))") == expected
    for link in links.all():
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= width, link
    # Each is reached by Tab, and followed.
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.add(
            page.evaluate(
                "document.activeElement.closest('#main-nav') && document.activeElement.getAttribute('href')"
            )
        )
    assert set(expected) <= reached, set(expected) - reached
    page.locator("#main-nav").get_by_role("link", name="Learners", exact=True).click()
    expect(page).to_have_url(re.compile(r"/learners/$"))

    # axe needs JavaScript of its own: the same layout, with the page's scripts not loaded.
    page = context_for(head)
    page.route(re.compile(r"/static/.*\.js$"), lambda route: route.abort())
    page.set_viewport_size({"width": width, "height": 900})
    visit(page, reverse("placements:learner_list"))
    expect(page.locator("html")).to_have_class("no-js")
    report.check(page, f"head learners without JavaScript @{width}px")
    report.assert_clean()


# The keyboard -------------------------------------------------------------------------------


def assert_keyboard_walk(page: Page, where: str) -> None:
    walk = tab_through(page)
    assert walk.expected, f"{where}: no controls found"
    assert not walk.missed, f"{where}: Tab never reached {walk.missed}"
    assert walk.left_the_page, (
        f"{where}: focus did not leave the page after {len(walk.reached)} presses (a trap)"
    )
    assert not walk.problems, f"{where}:\n" + "\n".join(walk.problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_today_a_learner_form_and_a_placement_by_keyboard(world, head, context_for, width):
    page = context_for(head)
    page.set_viewport_size({"width": width, "height": 900})
    for url in [
        reverse("attendance:today"),
        reverse("placements:learner_create"),
        world.active.get_absolute_url(),
    ]:
        visit(page, url)
        assert_keyboard_walk(page, f"{url} @{width}px")

    # The menu: opened by Enter on a phone, each section by Enter; arrows move
    # through a section, Escape closes it and gives focus back, Enter follows a link.
    visit(page, reverse("attendance:today"))
    if width < 1200:
        toggler = page.get_by_role("button", name="Menu")
        toggler.focus()
        page.keyboard.press("Enter")
        expect(toggler).to_have_attribute("aria-expanded", "true")
    section = page.get_by_role("button", name="Attendance")
    expect(section).to_have_attribute("aria-current", "true")
    section.focus()
    page.keyboard.press("Enter")
    expect(section).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Today")).to_have_attribute("aria-current", "page")
    page.keyboard.press("Escape")
    expect(section).to_have_attribute("aria-expanded", "false")
    expect(section).to_be_focused()
    page.get_by_role("button", name="Learners").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="Learners", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/learners/$"))
    # On a phone the menu is folded away again on the new page.
    expect(page.locator(".dropdown-toggle", has_text="Learners")).to_have_attribute("aria-current", "true")

    # A checkbox of the learner form by Space, and the form sent by Enter.
    visit(page, reverse("placements:learner_create"))
    box = page.locator("main input[type=checkbox]").first
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    page.locator("main form [type=submit]").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".is-invalid, .invalid-feedback, .errorlist").first).to_be_attached()

    # A scroll box reached by Tab scrolls with the arrow keys.
    visit(page, reverse("attendance:register_grid"))
    region = page.get_by_role("region", name="Register grid")
    region.focus()
    page.keyboard.press("ArrowRight")
    if region.evaluate("el => el.scrollWidth > el.clientWidth"):
        page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())


@pytest.mark.parametrize("width", WIDTHS)
def test_provider_register_by_keyboard(world, context_for, width):
    page = context_for(None)
    page.set_viewport_size({"width": width, "height": 900})
    visit(page, reverse("link_page", kwargs={"token": world.token}))
    assert_keyboard_walk(page, f"provider register @{width}px")

    # "Absent, late or a note" opens by Enter; a status is chosen with the arrow
    # keys and Space, and its focus ring shows; Enter on "Save changes" sends it.
    session = page.locator("[id^=session-]").first
    summary = session.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(session.locator("details")).to_have_attribute("open", "")
    assert_keyboard_walk(page, f"provider register, a session open @{width}px")
    radios = session.locator("input[type=radio]")
    radios.first.focus()
    page.keyboard.press("Space")
    expect(radios.first).to_be_checked()
    absent = session.get_by_label("Absent")
    while not absent.evaluate("el => el === document.activeElement"):
        page.keyboard.press("ArrowRight")
    expect(absent).to_be_checked()
    session.get_by_label("Reason for absence", exact=False).select_option("I")
    page.get_by_role("button", name="Save changes").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("absent")


def test_todays_table_has_column_headers_at_both_widths(world, head, context_for):
    page = context_for(head)
    visit(page, reverse("attendance:today"))
    headers = page.locator("table.today-providers > thead").get_by_role("columnheader")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(headers).to_have_text(["Provider", "Report", "Learners", "Chasing and actions"])
    expect(headers.first).to_be_visible()
    # Stacked on a phone: out of sight, still read out as the table's headers.
    page.set_viewport_size({"width": 375, "height": 900})
    expect(headers).to_have_count(4)
    assert page.locator("table.today-providers > thead").bounding_box()["width"] <= 1
