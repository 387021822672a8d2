from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from altprov.templatetags.altprov_tags import day_words
from placements.models import EvidenceItem, EvidenceType, Provider, ProviderApproval

from ..factories import (
    EvidenceItemFactory,
    LearnerFactory,
    PlacementFactory,
    ProviderFactory,
    ProviderSiteFactory,
    approved_provider,
    complete_evidence,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def provider_post(**overrides):
    data = {
        "name": "Soar Valley Farm",
        "registration_category": "non_school",
        "urn": "",
        "ukprn": "",
        "ofsted_grade": "",
        "lead_contact_name": "Robin Hale",
        "lead_contact_email": "robin@farm.example",
        "lead_contact_phone": "0116 496 0000",
        "attendance_contact_name": "Jess Hale",
        "attendance_contact_email": "jess@farm.example",
        "attendance_contact_phone": "0116 496 0001",
    }
    data.update(overrides)
    return data


def test_slt_adds_provider(client, slt):
    client.force_login(slt)
    response = client.post(reverse("placements:provider_create"), provider_post())
    assert response.status_code == 302
    assert Provider.objects.get().name == "Soar Valley Farm"


def test_registered_school_needs_urn(client, slt):
    client.force_login(slt)
    response = client.post(
        reverse("placements:provider_create"), provider_post(registration_category="school")
    )
    assert "A registered school needs its URN" in response.content.decode()
    assert 'value="Soar Valley Farm"' in response.content.decode()


def test_ukprn_validated(client, slt):
    client.force_login(slt)
    response = client.post(
        reverse("placements:provider_create"), provider_post(registration_category="fe", ukprn="2345")
    )
    assert "A UKPRN is eight digits starting with 1" in response.content.decode()


def test_pastoral_cannot_add_provider(client, pastoral):
    client.force_login(pastoral)
    assert client.post(reverse("placements:provider_create"), provider_post()).status_code == 403


def test_evidence_upload_is_stored_privately_and_served_to_staff(client, dsl, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    provider = ProviderFactory()
    insurance = EvidenceType.objects.get(code="insurance")
    client.force_login(dsl)
    today = timezone.localdate()
    response = client.post(
        reverse("placements:evidence_create", args=[provider.pk]),
        {
            "evidence_type": insurance.pk,
            "date_received": today.isoformat(),
            "expires_on": (today + timedelta(days=365)).isoformat(),
            "file": SimpleUploadedFile("insurance.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert item.checked_by == dsl
    served = client.get(reverse("placements:evidence_file", args=[item.pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF
    client.logout()
    assert client.get(reverse("placements:evidence_file", args=[item.pk])).status_code == 302


def test_evidence_upload_refuses_disguised_file(client, dsl):
    provider = ProviderFactory()
    client.force_login(dsl)
    response = client.post(
        reverse("placements:evidence_create", args=[provider.pk]),
        {
            "evidence_type": EvidenceType.objects.get(code="insurance").pk,
            "date_received": timezone.localdate().isoformat(),
            "file": SimpleUploadedFile("insurance.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert "do not match its type" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_evidence_upload_refuses_oversized_file(client, dsl, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100
    provider = ProviderFactory()
    client.force_login(dsl)
    response = client.post(
        reverse("placements:evidence_create", args=[provider.pk]),
        {
            "evidence_type": EvidenceType.objects.get(code="insurance").pk,
            "date_received": timezone.localdate().isoformat(),
            "file": SimpleUploadedFile("big.pdf", PDF + b"0" * 200),
        },
    )
    assert "too large" in response.content.decode()


def test_policy_confirmation_needs_version(client, dsl):
    provider = ProviderFactory()
    client.force_login(dsl)
    response = client.post(
        reverse("placements:evidence_create", args=[provider.pk]),
        {
            "evidence_type": EvidenceType.objects.get(code="school-policy-confirmation").pk,
            "date_received": timezone.localdate().isoformat(),
        },
    )
    assert "Give the version of the school" in response.content.decode()


def test_dsl_approves_provider_with_complete_evidence(client, dsl, school):
    provider = ProviderFactory()
    complete_evidence(provider, dsl, timezone.localdate())
    client.force_login(dsl)
    response = client.post(reverse("placements:provider_approve", args=[provider.pk]), {"notes": "Visited"})
    assert response.status_code == 302
    approval = ProviderApproval.objects.get()
    assert (approval.school, approval.approved_by) == (school, dsl)


def test_approval_refused_while_evidence_missing(client, dsl):
    provider = ProviderFactory()
    client.force_login(dsl)
    response = client.post(reverse("placements:provider_approve", args=[provider.pk]), {"notes": ""})
    assert response.status_code == 200
    assert "cannot be approved" in response.content.decode()
    assert not ProviderApproval.objects.exists()


def test_only_dsl_approves(client, head):
    provider = ProviderFactory()
    client.force_login(head)
    assert client.post(reverse("placements:provider_approve", args=[provider.pk])).status_code == 403


def test_approval_shown_as_lapsed_when_insurance_expires(client, school, dsl):
    today = timezone.localdate()
    provider = approved_provider(school, dsl, today)
    EvidenceItem.objects.filter(provider=provider, evidence_type__code="insurance").update(
        date_received=today - timedelta(days=400), expires_on=today - timedelta(days=1)
    )
    client.force_login(dsl)
    body = client.get(reverse("placements:provider_detail", args=[provider.pk])).content.decode()
    assert "Approval lapsed today: Employer&#x27;s and public liability" in body
    assert f"expired on {day_words(today - timedelta(days=1))}" in body
    assert "Expired" in body


def test_withdraw_approval_needs_reason(client, school, dsl):
    provider = approved_provider(school, dsl, timezone.localdate())
    client.force_login(dsl)
    url = reverse("placements:provider_withdraw", args=[provider.pk])
    assert "Enter why the approval is withdrawn" in client.post(url, {"reason": ""}).content.decode()
    client.post(url, {"reason": "Safeguarding concern at the site"})
    assert ProviderApproval.objects.get().is_withdrawn


def test_slt_records_quality_review(client, slt, school):
    provider = ProviderFactory()
    client.force_login(slt)
    today = timezone.localdate()
    url = reverse("placements:review_create", args=[provider.pk])
    bad = client.post(
        url,
        {
            "review_date": today.isoformat(),
            "outcome": "suitable",
            "notes": "Fine",
            "next_review_due": today.isoformat(),
        },
    )
    assert "next review must be after" in bad.content.decode()
    client.post(
        url,
        {
            "review_date": today.isoformat(),
            "outcome": "suitable",
            "notes": "Fine",
            "next_review_due": (today + timedelta(days=180)).isoformat(),
        },
    )
    assert provider.reviews.get().school == school


def test_provider_list_shows_rag_in_words(client, school, dsl):
    today = timezone.localdate()
    approved_provider(school, dsl, today, name="All Good Ltd")
    ProviderFactory(name="Nothing Yet Ltd")
    client.force_login(dsl)
    body = client.get(reverse("placements:provider_list")).content.decode()
    assert "rag-green" in body and "Complete" in body
    assert "rag-red" in body and "Missing" in body


def test_provider_list_query_count_constant(client, school, dsl, django_assert_max_num_queries):
    today = timezone.localdate()
    approved_provider(school, dsl, today)
    client.force_login(dsl)
    url = reverse("placements:provider_list")
    # session, user, memberships, schools, unread count, evidence types, count, providers,
    # prefetched evidence, prefetched approvals.
    with django_assert_max_num_queries(10):
        client.get(url)
    for _ in range(8):
        provider = approved_provider(school, dsl, today)
        EvidenceItemFactory(provider=provider, checked_by=dsl)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_registration_warning_for_looked_after_learner_full_time(client, school, dsl):
    provider = approved_provider(school, dsl, timezone.localdate())
    learner = LearnerFactory(school=school, looked_after=True)
    full_week = {f"{d}_{s}": True for d in ["mon", "tue", "wed", "thu", "fri"] for s in ["am", "pm"]}
    PlacementFactory(learner=learner, provider=provider, status="active", **full_week)
    client.force_login(dsl)
    body = client.get(reverse("placements:provider_detail", args=[provider.pk])).content.decode()
    assert "must be a registered school" in body


def test_site_postcode_normalised(client, slt):
    provider = ProviderFactory()
    ProviderSiteFactory(provider=provider, name="Main")
    client.force_login(slt)
    url = reverse("placements:site_create", args=[provider.pk])
    dup = client.post(url, {"name": "Main", "address": "1 Road", "postcode": "le4 4jg"})
    assert "already exists" in dup.content.decode()
    client.post(url, {"name": "Annexe", "address": "1 Road", "postcode": "le4   4jg"})
    assert provider.sites.get(name="Annexe").postcode == "LE4 4JG"


def test_evidence_filter_applies_before_paging(client, school, dsl):
    today = timezone.localdate()
    for n in range(30):
        approved_provider(school, dsl, today, name=f"Complete {n:02d}")
    ProviderFactory(name="Zz Missing Everything")
    client.force_login(dsl)
    response = client.get(reverse("placements:provider_list"), {"evidence": "missing"})
    assert [row["provider"].name for row in response.context["rows"]] == ["Zz Missing Everything"]
    assert response.context["page"].paginator.count == 1
