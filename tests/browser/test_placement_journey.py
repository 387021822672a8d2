"""A member of SLT, in Chromium, adds a learner, refers them and starts the placement."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from placements.models import EvidenceItem, Placement, Status
from placements.validators import make_upn

from ..factories import UserFactory, approved_provider, signed_documents
from .choosers import choose

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Northfield")


@pytest.fixture
def setup(school, dsl):
    from altprov.models import Membership, Role

    user = UserFactory(username="sally", first_name="Sally", last_name="Senior")
    Membership.objects.create(user=user, school=school, role=Role.SLT)
    Membership.objects.create(user=user, school=school, role=Role.ADMIN)
    today = timezone.localdate()
    good = approved_provider(school, dsl, today, name="Riverside Skills")
    lapsed = approved_provider(school, dsl, today, name="Old Mill Workshop")
    EvidenceItem.objects.filter(provider=lapsed, evidence_type__code="insurance").update(
        date_received=today - timedelta(days=400), expires_on=today - timedelta(days=1)
    )
    return {"good": good, "lapsed": lapsed, "today": today}


def refer(
    page: Page,
    base: str,
    learner_label: str,
    provider: str,
    site: str,
    start: str,
    end: str,
    *,
    saved: bool = True,
) -> None:
    page.goto(f"{base}/placements/new/")
    choose(page, "#id_learner", learner_label.split(",")[0], learner_label)
    choose(page, "#id_provider", provider)
    choose(page, "#id_site", site.split(" – ")[-1].split(",")[0], site)
    page.get_by_label("Not attending school regularly").check()
    page.get_by_label("Rationale").fill("Hands-on learning to rebuild attendance.")
    page.get_by_label("Monday AM").check()
    page.get_by_label("Thursday AM").check()
    page.get_by_label("Start date").fill(start)
    page.get_by_label("Target end date").fill(end)
    page.get_by_role("button", name="Save").click()
    if saved:
        expect(page.get_by_text("Referral recorded")).to_be_visible()


def plan_and_agree(page: Page, today: str) -> None:
    page.get_by_role("link", name="Record the planning meeting").click()
    page.get_by_label("Meeting date").fill(today)
    page.get_by_label("Attendees").fill("Mum, learner, provider lead, pastoral lead")
    page.get_by_label("Parents/carers attended").check()
    page.get_by_label("The reasons for the placement were explained").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Set targets").click()
    page.locator("#id_targets-0-description").fill("Attend every session")
    page.locator("#id_targets-0-baseline").fill("61% last half term")
    page.locator("#id_targets-0-measure").fill("Provider session marks")
    page.get_by_role("button", name="Save targets").click()
    page.get_by_role("button", name="Agree the placement").click()
    expect(page.get_by_text("The placement is agreed.")).to_be_visible()


def test_create_learner_and_activate_placement(page: Page, live_server, setup):
    base = live_server.url
    today = setup["today"]
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "sally")

    page.goto(f"{base}/learners/new/")
    page.get_by_label("Legal first name").fill("Tyler")
    page.get_by_label("Legal last name").fill("Brookes")
    page.get_by_label("UPN").fill(make_upn("856200000011"))
    page.get_by_label("Date of birth").fill("2011-04-14")
    page.get_by_label("Year group").fill("10")
    for i, name in enumerate(["Kerry Brookes", "Dean Brookes"]):
        page.locator(f"#id_contacts-{i}-name").fill(name)
        page.locator(f"#id_contacts-{i}-relationship").fill("Parent")
        page.locator(f"#id_contacts-{i}-phone").fill("07700 900456")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Tyler Brookes has been added.")).to_be_visible()

    start, end = today.isoformat(), (today + timedelta(weeks=12)).isoformat()
    good_site = setup["good"].sites.get()
    refer(
        page,
        base,
        "Tyler Brookes",
        "Riverside Skills",
        f"Riverside Skills – {good_site.name}, {good_site.postcode}",
        start,
        end,
    )
    plan_and_agree(page, start)
    # The agreement and contract signed (tests/browser/test_signing.py signs them through the pages).
    signed_documents(Placement.objects.get(provider=setup["good"]))
    page.reload()
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("The placement is active.", exact=True)).to_be_visible()
    page.screenshot(path="var/screenshot-placement-active.png", full_page=True)
    assert Placement.objects.get(provider=setup["good"]).status == Status.ACTIVE

    lapsed_site = setup["lapsed"].sites.get()
    refer(
        page,
        base,
        "Tyler Brookes",
        "Old Mill Workshop",
        f"Old Mill Workshop – {lapsed_site.name}, {lapsed_site.postcode}",
        (today + timedelta(weeks=1)).isoformat(),
        end,
        saved=False,
    )
    # Monday and Thursday AM are taken by the active placement: the form refuses the clash.
    expect(page.get_by_text("already has at Riverside Skills").first).to_be_visible()
    page.get_by_label("Monday AM").uncheck()
    page.get_by_label("Thursday AM").uncheck()
    page.get_by_label("Friday PM").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Referral recorded")).to_be_visible()
    plan_and_agree(page, start)
    # Activation would be refused: the page says what to do instead of offering the button.
    expect(page.locator("#activation-problems")).to_contain_text(
        "liability insurance: expired. Record the current one on the provider page, then activate."
    )
    expect(page.get_by_role("button", name="Activate")).to_have_count(0)
    page.screenshot(path="var/screenshot-activation-refused.png", full_page=True)
    assert Placement.objects.get(provider=setup["lapsed"]).status == Status.AGREED
