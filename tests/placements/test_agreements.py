"""The agreement and the parent/carer contract: preparing, signing by the head and by link, freezing, PDFs."""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from altprov.models import Flag, LinkToken, Notification
from altprov.notifications import send_notification
from placements.models import (
    Agreement,
    DocumentStatus,
    FrozenDocument,
    ParentContract,
    Signature,
    SignerRole,
    Status,
    TransitionError,
)
from placements.signature_flags import check_document_hashes, check_unsigned
from placements.signing import (
    SigningError,
    prepare_agreement,
    prepare_contract,
    send_for_signature,
    send_reminders,
    sign,
)

from ..factories import (
    ContactFactory,
    LearnerFactory,
    PlacementFactory,
    PlacementTargetFactory,
    approved_provider,
)
from ..pdftext import _run, pdf_text

pytestmark = pytest.mark.django_db


def reading_order(data: bytes) -> str:
    """The PDF's words in reading order (each table cell whole), spaces collapsed."""
    return " ".join(_run("pdftotext", data, "-", "-").split())


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/private-not-served/"},
        },
    }


@pytest.fixture
def placement(school, dsl):
    today = timezone.localdate()
    provider = approved_provider(
        school,
        dsl,
        today,
        name="Riverside Skills",
        lead_contact_name="Dana Reeve",
        lead_contact_email="dana@river.test",
    )
    learner = LearnerFactory(school=school, legal_first_name="Zara", legal_last_name="Okafor")
    ContactFactory(
        learner=learner,
        name="Grace Okafor",
        email="grace@home.test",
        is_parent_carer=True,
        parental_responsibility=True,
    )
    ContactFactory(learner=learner, name="Uncle Ben", email="ben@home.test", parental_responsibility=False)
    placement = PlacementFactory(
        learner=learner, provider=provider, status=Status.AGREED, start_date=today + timedelta(days=5)
    )
    PlacementTargetFactory(placement=placement, description="Attend 95% of sessions")
    return placement


def link_token(to: str) -> str:
    body = Notification.objects.filter(to_email=to).latest("pk").body
    return re.search(r"/l/([^/\s]+)/", body)[1]


def sent_agreement(placement, head):
    agreement = prepare_agreement(placement=placement, by=head)
    send_for_signature(document=agreement, by=head)
    return agreement


def test_the_agreement_is_prepared_from_the_placement_and_the_policy_wording(placement, head):
    agreement = prepare_agreement(placement=placement, by=head)
    assert agreement.version == 1 and agreement.status == DocumentStatus.DRAFT
    assert agreement.learner_name == "Zara Okafor"
    assert agreement.provider_name == "Riverside Skills"
    assert "Attend 95% of sessions" in agreement.targets
    assert agreement.attendance_code.startswith("B:")
    assert len(agreement.provider_list) == 7 and len(agreement.school_list) == 5
    # The policy's template says weekly; the law (and the policy's own text) need daily, every session.
    assert "weekly" not in agreement.provider_expectations
    assert "every day, for every morning and afternoon session" in agreement.provider_expectations
    assert agreement.template.version == 1


def test_head_and_provider_sign_then_the_agreement_freezes_with_its_pdf_hash(client, placement, head):
    agreement = sent_agreement(placement, head)
    assert {s.role for s in agreement.signatures.all()} == {SignerRole.HEAD, SignerRole.PROVIDER}
    token = link_token("dana@river.test")

    client.force_login(head)
    url = reverse("placements:agreement_sign", args=[agreement.pk])
    refused = client.post(url, {"name": ""})
    assert "Type your full name to sign" in refused.content.decode()
    assert client.post(url, {"name": "Helen Head", "declaration": "on"}).status_code == 302
    head_signature = agreement.signatures.get(role=SignerRole.HEAD)
    assert (head_signature.name, head_signature.method, head_signature.ip_address) == (
        "Helen Head",
        "staff",
        "127.0.0.1",
    )
    client.logout()

    page = client.get(f"/l/{token}/")
    body = page.content.decode()
    assert "What you are agreeing to" in body and "Raise any safeguarding concerns" in body
    assert client.post(f"/l/{token}/", {"name": "Dana Reeve", "declaration": "on"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == DocumentStatus.SIGNED and agreement.is_frozen
    data = agreement.pdf.open("rb").read()
    assert hashlib.sha256(data).hexdigest() == agreement.sha256
    done = client.get(f"/l/{token}/").content.decode()
    assert "Thank you, you signed" in done
    # The signer downloads what they signed: the stored file itself.
    download = client.get(f"/l/{token}/document/")
    assert b"".join(download.streaming_content) == data
    provider_signature = agreement.signatures.get(role=SignerRole.PROVIDER)
    assert provider_signature.method == "link" and provider_signature.link is not None


def test_the_agreement_pdf_has_every_field_and_both_signers(client, placement, head):
    agreement = sent_agreement(placement, head)
    for signature in agreement.signatures.all():
        sign(signature=signature, name=f"Signer {signature.role}", declaration=True, ip="10.0.0.1")
    agreement.refresh_from_db()
    text = reading_order(agreement.pdf.open("rb").read())
    for words in (
        "Alternative Provision Agreement",
        "Northfield Academy",
        "Name of learner:",
        "Zara Okafor",
        "Riverside Skills",
        "Start date:",
        "Target end date:",
        "Timetable and hours:",
        "Objectives and targets:",
        "Attend 95% of sessions",
        "Review dates:",
        "Attendance code used:",
        "Reaching the DSL urgently:",
        "If the learner is suspended:",
        "expects that the alternative provider will:",
        "Complete a termly report",
        "The alternative provider can expect that Northfield Academy will:",
        "Coordinate arrangements with the alternative provider for public examination",
        "Signer head (Head Teacher, Northfield Academy)",
        "Signer provider (Head Teacher/Leader, Riverside Skills)",
        "Page 1 of",
    ):
        assert words in text, words
    assert "Draft" not in text
    client.force_login(head)
    download = client.get(reverse("placements:agreement_pdf", args=[agreement.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == agreement.pdf.open("rb").read()


def test_the_contract_pdf_has_every_field_and_the_parent(placement, head):
    contract = prepare_contract(placement=placement, by=head)
    (signature,) = send_for_signature(document=contract, by=head)
    sign(signature=signature, name="Grace Okafor", declaration=True, ip="10.0.0.2")
    contract.refresh_from_db()
    assert contract.is_frozen
    text = reading_order(contract.pdf.open("rb").read())
    for words in (
        "Alternative Provision Contract",
        "Name of learner:",
        "Zara Okafor",
        "Why the placement is offered:",
        "Not attending school regularly",
        "Responsibilities for supporting the learner:",
        "Commitment to attend:",
        "same consequences as not attending school",
        "Targets agreed at the initial meeting:",
        "Attend 95% of sessions",
        "Reviewing the placement and this contract:",
        "Who to contact:",
        "Grace Okafor (parent/carer",
        "by an emailed link",
    ):
        assert words in text, words


def test_a_frozen_document_and_its_signatures_refuse_every_change(placement, head):
    contract = prepare_contract(placement=placement, by=head)
    (signature,) = send_for_signature(document=contract, by=head)
    sign(signature=signature, name="Grace Okafor", declaration=True, ip=None)
    contract = ParentContract.objects.get(pk=contract.pk)
    signature = Signature.objects.get(pk=signature.pk)
    contract.targets = "Something else"
    with pytest.raises(FrozenDocument):
        contract.save()
    with pytest.raises(FrozenDocument):
        contract.delete()
    with pytest.raises(FrozenDocument):
        ParentContract.objects.filter(pk=contract.pk).update(targets="Changed")
    with pytest.raises(FrozenDocument):
        ParentContract.objects.filter(pk=contract.pk).delete()
    signature.name = "Someone else"
    with pytest.raises(FrozenDocument):
        signature.save()
    with pytest.raises(FrozenDocument):
        Signature.objects.filter(pk=signature.pk).update(name="Changed")
    with pytest.raises(FrozenDocument):
        Signature.objects.filter(pk=signature.pk).delete()
    assert ParentContract.objects.get(pk=contract.pk).targets != "Changed"
    # A change is a new version, which starts unsigned.
    again = prepare_contract(placement=placement, by=head)
    assert (again.version, again.status, again.signatures.count()) == (2, DocumentStatus.DRAFT, 0)


def test_one_signature_per_signer_and_document_version(placement, head):
    agreement = sent_agreement(placement, head)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(
            agreement=agreement, role=SignerRole.PROVIDER, requested_name="Again", requested_at=timezone.now()
        )


def test_a_parent_without_parental_responsibility_cannot_sign(placement, head):
    contract = prepare_contract(placement=placement, by=head)
    (signature,) = send_for_signature(document=contract, by=head)
    assert signature.contact.name == "Grace Okafor"  # Uncle Ben (no parental responsibility) was not asked
    signature.contact.parental_responsibility = False
    signature.contact.save()
    with pytest.raises(SigningError, match="parental responsibility"):
        sign(signature=signature, name="Grace Okafor", declaration=True, ip=None)
    assert not Signature.objects.get(pk=signature.pk).is_signed


def test_a_parent_declines_with_a_reason_and_staff_see_it(client, placement, head, pastoral):
    contract = prepare_contract(placement=placement, by=head)
    send_for_signature(document=contract, by=head)
    token = link_token("grace@home.test")
    empty = client.post(f"/l/{token}/", {"action": "decline", "reason": ""})
    assert "Say why you do not want to sign" in empty.content.decode()
    client.post(f"/l/{token}/", {"action": "decline", "reason": "I want to visit the provider first"})
    signature = contract.signatures.get()
    assert signature.is_declined and signature.decline_reason == "I want to visit the provider first"
    assert Notification.objects.filter(recipient=pastoral, key=f"signature:{signature.pk}:declined").exists()
    client.force_login(pastoral)
    page = client.get(reverse("placements:documents", args=[placement.pk])).content.decode()
    assert "I want to visit the provider first" in page
    assert "What next:" in page and "prepare a new version from the placement" in page


def test_signing_link_lifecycle(client, placement, head):
    contract = prepare_contract(placement=placement, by=head)
    send_for_signature(document=contract, by=head)
    token = link_token("grace@home.test")
    link = LinkToken.objects.get(recipient_email="grace@home.test")
    assert link.token_hash != token and token.split(".")[1] not in link.token_hash
    assert client.get(f"/l/{token}/").status_code == 200
    # A new version switches off the old version's links.
    prepare_contract(placement=placement, by=head)
    assert client.get(f"/l/{token}/").status_code == 410
    # A wrong secret shows nothing.
    assert client.get(f"/l/{link.pk}.{'x' * 43}/").status_code == 404
    # Links expire.
    contract2 = ParentContract.objects.latest("version")
    send_for_signature(document=contract2, by=head)
    token2 = link_token("grace@home.test")
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert client.get(f"/l/{token2}/").status_code == 410


def test_reminders_go_once_to_signers_who_have_not_signed(placement, head):
    agreement = sent_agreement(placement, head)
    later = timezone.now() + timedelta(days=3, minutes=1)
    assert send_reminders(now=later) == 2
    assert send_reminders(now=later) == 0
    assert Notification.objects.filter(key__endswith=":reminder-1").count() == 2
    provider_signature = agreement.signatures.get(role=SignerRole.PROVIDER)
    sign(signature=provider_signature, name="Dana Reeve", declaration=True, ip=None)
    assert send_reminders(now=later + timedelta(days=3, minutes=1)) == 1


def test_unsigned_documents_a_week_before_the_start_flag_the_head(placement, head):
    summary = check_unsigned()
    assert summary["raised"] == 1
    assert check_unsigned()["raised"] == 0
    flag = Flag.objects.get(kind="signature_missing")
    assert "agreement and contract not signed" in flag.summary
    assert Notification.objects.filter(recipient=head, key=f"flag:{flag.pk}:raised").exists()
    agreement = sent_agreement(placement, head)
    for signature in agreement.signatures.all():
        sign(signature=signature, name="N", declaration=True, ip=None)
    contract = prepare_contract(placement=placement, by=head)
    for signature in send_for_signature(document=contract, by=head):
        sign(signature=signature, name="N", declaration=True, ip=None)
    flag.refresh_from_db()
    assert flag.resolution == "Agreement and contract signed"


def test_activation_needs_the_signed_agreement_and_contract(placement, head, slt):
    with pytest.raises(TransitionError) as refused:
        placement.activate(by=slt)
    assert any("Send the agreement for signature" in r for r in refused.value.reasons)
    assert any("parent/carer contract is not signed" in r for r in refused.value.reasons)
    agreement = sent_agreement(placement, head)
    for signature in agreement.signatures.all():
        sign(signature=signature, name="N", declaration=True, ip=None)
    contract = prepare_contract(placement=placement, by=head)
    for signature in send_for_signature(document=contract, by=head):
        sign(signature=signature, name="N", declaration=True, ip=None)
    placement.activate(by=slt)
    assert placement.status == Status.ACTIVE


def test_the_nightly_check_flags_a_tampered_file(placement, head):
    contract = prepare_contract(placement=placement, by=head)
    for signature in send_for_signature(document=contract, by=head):
        sign(signature=signature, name="N", declaration=True, ip=None)
    assert check_document_hashes()["raised"] == 0
    contract.refresh_from_db()
    with open(contract.pdf.path, "ab") as stored:
        stored.write(b"% changed")
    assert check_document_hashes()["raised"] == 1
    assert check_document_hashes()["raised"] == 0
    flag = Flag.objects.get(kind="document_hash_mismatch")
    assert "no longer matches" in flag.summary
    assert Notification.objects.filter(recipient=head, key=f"flag:{flag.pk}:raised").exists()


def test_outside_emails_carry_the_link_and_say_what_to_do(placement, head):
    sent_agreement(placement, head)
    for pk in Notification.objects.filter(to_email="dana@river.test").values_list("pk", flat=True):
        send_notification(pk)
    (email,) = [m for m in mail.outbox if "dana@river.test" in m.to]
    assert "please sign the alternative provision agreement for Zara Okafor" in email.subject
    assert "/l/" in email.body and "Open this link to read it and sign" in email.body


def test_staff_downloads_check_the_placement_and_drafts_say_so(client, placement, head, other_head):
    agreement = prepare_agreement(placement=placement, by=head)
    client.force_login(other_head)
    assert client.get(reverse("placements:agreement_pdf", args=[agreement.pk])).status_code == 404
    client.force_login(head)
    response = client.get(reverse("placements:agreement_pdf", args=[agreement.pk]))
    assert "Draft – not signed" in pdf_text(response.content)


def test_the_template_makes_a_new_version_and_old_agreements_keep_theirs(client, placement, head):
    agreement = prepare_agreement(placement=placement, by=head)
    client.force_login(head)
    response = client.post(
        reverse("placements:agreement_template"),
        {"provider_expectations": "Clause A\nClause B", "school_expectations": "Clause C"},
    )
    assert response.status_code == 302
    newer = prepare_agreement(placement=placement, by=head)
    assert newer.template.version == 2 and newer.provider_list == ["Clause A", "Clause B"]
    assert Agreement.objects.get(pk=agreement.pk).template.version == 1
