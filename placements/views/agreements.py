"""The agreement and the parent/carer contract: staff pages, and the signing page reached by link."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from altprov.models import LinkToken
from altprov.roles import perms_at, require_perm

from ..access import get_document_for_user, get_placement_for_user
from ..access_log import record_read
from ..agreement_forms import AgreementForm, ContractForm, DeclineForm, SignForm, TemplateForm
from ..models import (
    Agreement,
    AgreementTemplate,
    DocumentStatus,
    ParentContract,
    Read,
    Signature,
    SignerRole,
)
from ..signing import SigningError, is_current, prepare, send_for_signature, sign
from ..signing import decline as decline_signature
from ..signing import render as render_document

MODELS = {"agreement": Agreement, "contract": ParentContract}


def _client_ip(request: HttpRequest) -> str | None:
    # The address the request came from, as the web server saw it (REMOTE_ADDR).
    return request.META.get("REMOTE_ADDR") or None


def _versions(model, placement) -> list:
    return list(
        model.objects.filter(placement=placement)
        .select_related("created_by")
        .prefetch_related(Prefetch("signatures", Signature.objects.select_related("contact", "user")))
        .order_by("-version")
    )


def documents(request: HttpRequest, pk: int) -> HttpResponse:
    """The placement's agreement and contract: every version, who has signed or declined, what to do next."""
    placement = get_placement_for_user(request.user, pk)
    can = perms_at(request.user, placement.school_id)
    agreements, contracts = _versions(Agreement, placement), _versions(ParentContract, placement)
    return render(
        request,
        "placements/agreements/documents.html",
        {
            "placement": placement,
            "can": can,
            "sections": [
                ("agreement", "Alternative Provision Agreement", agreements),
                ("contract", "Parent/carer contract", contracts),
            ],
        },
    )


def _prepare(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk, perm="agreement.edit")
    try:
        document = prepare(model=MODELS[kind], placement=placement, by=request.user)
    except SigningError as error:
        for reason in error.reasons:
            messages.error(request, reason)
        return redirect("placements:documents", pk=placement.pk)
    messages.success(
        request,
        f"Version {document.version} prepared from the placement. Check it, then send it for signature.",
    )
    return redirect(f"placements:{kind}_edit", pk=document.pk)


@require_POST
def agreement_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    return _prepare(request, pk, "agreement")


@require_POST
def contract_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    return _prepare(request, pk, "contract")


def _edit(request: HttpRequest, pk: int, kind: str, form_class) -> HttpResponse:
    document = get_document_for_user(MODELS[kind], request.user, pk, perm="agreement.edit")
    back = reverse("placements:documents", args=[document.placement_id])
    if document.status != DocumentStatus.DRAFT or not is_current(document):
        messages.error(
            request, "Only a draft that has not been sent can be changed. Prepare a new version to change it."
        )
        return redirect(back)
    form = form_class(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved. Send it for signature when it is ready.")
        return redirect(back)
    return render(
        request,
        "placements/form_page.html",
        {
            "form": form,
            "title": f"{document.title}, version {document.version}: {document.learner_name}",
            "intro": "Taken from the placement when this version was prepared. "
            "Change what the meeting agreed.",
            "back_url": back,
        },
    )


def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, pk, "agreement", AgreementForm)


def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, pk, "contract", ContractForm)


def _send(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    document = get_document_for_user(MODELS[kind], request.user, pk, perm="agreement.edit")
    try:
        send_for_signature(document=document, by=request.user)
    except SigningError as error:
        for reason in error.reasons:
            messages.error(request, reason)
    else:
        messages.success(request, "Sent for signature. Each signer has been emailed their own link.")
    return redirect("placements:documents", pk=document.placement_id)


@require_POST
def agreement_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _send(request, pk, "agreement")


@require_POST
def contract_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _send(request, pk, "contract")


def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The head teacher signs the agreement, signed in: reads it, types their name, ticks the declaration."""
    document = get_document_for_user(Agreement, request.user, pk, perm="agreement.sign")
    signature = Signature.objects.filter(agreement=document, role=SignerRole.HEAD).first()
    back = reverse("placements:documents", args=[document.placement_id])
    if signature is None or signature.state != "waiting":
        messages.error(
            request,
            "This agreement is not waiting for the head teacher's signature."
            if signature is None
            else "The head teacher has already signed this agreement.",
        )
        return redirect(back)
    form = SignForm(request.POST or None, initial={"name": request.user.get_full_name()})
    if request.method == "POST" and form.is_valid():
        try:
            sign(
                signature=signature,
                name=form.cleaned_data["name"],
                declaration=form.cleaned_data["declaration"],
                drawn=form.cleaned_data["drawn"],
                ip=_client_ip(request),
                user=request.user,
            )
        except SigningError as error:
            form.add_error(None, error.reasons[0])
        else:
            messages.success(request, "You have signed the agreement.")
            return redirect(back)
    return render(
        request,
        "placements/agreements/head_sign.html",
        {"document": document, "signature": signature, "form": form, "back_url": back},
    )


def _pdf(request: HttpRequest, document) -> HttpResponse:
    """The stored signed PDF, or (before everyone has signed) a draft rendered now. Never a media URL."""
    if document.is_frozen:
        response = FileResponse(
            document.pdf.open("rb"), filename=document.filename, content_type="application/pdf"
        )
    else:
        response = HttpResponse(render_document(document), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="draft-{document.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _staff_pdf(request: HttpRequest, document) -> HttpResponse:
    """A member of staff opening the document: logged in the learner's access log (a signer's link is not)."""
    placement = document.placement
    record_read(
        user=request.user,
        school=placement.school_id,
        what=Read.EXPORT,
        learner=placement.learner,
        subject=document,
        detail=document.filename,
    )
    return _pdf(request, document)


def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_pdf(request, get_document_for_user(Agreement, request.user, pk))


def contract_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_pdf(request, get_document_for_user(ParentContract, request.user, pk))


@require_perm("agreement.template")
def agreement_template(request: HttpRequest) -> HttpResponse:
    """The agreement's standard clauses: saving makes a new version; agreements keep the one they used."""
    school = request.school
    current = AgreementTemplate.current(school)
    form = TemplateForm(
        request.POST or None, instance=AgreementTemplate(school=school, created_by=request.user)
    )
    if request.method != "POST":
        form = TemplateForm(
            initial={
                "provider_expectations": current.provider_expectations,
                "school_expectations": current.school_expectations,
            }
        )
    if request.method == "POST" and form.is_valid():
        template = form.save(commit=False)
        template.version = current.version + 1
        template.save()
        messages.success(
            request,
            f"Saved as version {template.version}. Agreements prepared from now on use it; "
            "those already prepared keep their wording.",
        )
        return redirect("placements:agreement_template")
    return render(
        request,
        "placements/agreements/template.html",
        {"form": form, "current": current, "versions": AgreementTemplate.objects.filter(school=school)[:10]},
    )


# The signing page (by link) ---------------------------------------------------


def _signature_of(link: LinkToken) -> Signature:
    if link.subject_type_id != ContentType.objects.get_for_model(Signature).pk:
        raise Http404
    signature = (
        Signature.objects.filter(pk=link.subject_id)
        .select_related(
            "contact",
            "agreement__placement__school",
            "agreement__template",
            "contract__placement__school",
        )
        .first()
    )
    if signature is None or signature.document.placement.school_id != link.school_id:
        raise Http404
    return signature


@require_http_methods(["GET", "HEAD", "POST"])
def signature_link(request: HttpRequest, link: LinkToken) -> HttpResponse:
    """What they are agreeing to, in plain words, then sign (or, for a parent, decline with a reason)."""
    signature = _signature_of(link)
    document = signature.document
    context = {
        "signature": signature,
        "document": document,
        "school": link.school,
        "link": link,
        "is_parent": signature.role == SignerRole.PARENT,
        "signatures": list(Signature.objects.filter(**{document.kind: document}).select_related("contact")),
    }
    if signature.state != "waiting" or document.status != DocumentStatus.AWAITING or not is_current(document):
        return render(request, "placements/agreements/link_done.html", context)
    declining = request.method == "POST" and request.POST.get("action") == "decline"
    form = SignForm(request.POST if request.method == "POST" and not declining else None)
    decline_form = DeclineForm(request.POST if declining else None)
    try:
        if declining and signature.role == SignerRole.PARENT and decline_form.is_valid():
            decline_signature(
                signature=signature,
                reason=decline_form.cleaned_data["reason"],
                ip=_client_ip(request),
                link=link,
            )
            return redirect(request.path)
        if request.method == "POST" and not declining and form.is_valid():
            sign(
                signature=signature,
                name=form.cleaned_data["name"],
                declaration=form.cleaned_data["declaration"],
                drawn=form.cleaned_data["drawn"],
                ip=_client_ip(request),
                link=link,
            )
            return redirect(request.path)
    except SigningError as error:
        (decline_form if declining else form).add_error(None, error.reasons[0])
    return render(
        request,
        "placements/agreements/link_sign.html",
        context | {"form": form, "decline_form": decline_form},
    )


def signature_link_document(request: HttpRequest, link: LinkToken) -> HttpResponse:
    """The signer's copy: the signed PDF once frozen, else the document as it stands."""
    signature = _signature_of(link)
    return _pdf(request, signature.document)
