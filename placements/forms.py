from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.functional import cached_property

from altprov.form_errors import ClearErrorsMixin, word_errors
from altprov.models import Role, User
from altprov.templatetags.altprov_tags import date_words

from .access import NEEDS_PERMS
from .choosers import learner_chooser, provider_chooser, search_sites, site_chooser
from .models import (
    ClosureKind,
    Contact,
    EndReason,
    EvidenceItem,
    EvidenceType,
    Learner,
    Placement,
    PlacementTarget,
    Provider,
    ProviderClosure,
    ProviderReview,
    ProviderSite,
    ReferralReason,
    RegistrationCategory,
    SchoolClosure,
    Status,
    Term,
)
from .models.placements import NEEDS_CHECK
from .models.timetables import SESSION_FIELDS, SESSION_LABELS, WEEKDAY_NAMES, WEEKDAYS
from .schedule import next_school_day


class DateInput(forms.DateInput):
    """A native date picker: phones show their own calendar; the value is ISO."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ScopedModelForm(ClearErrorsMixin, forms.ModelForm):
    """A model form whose instance already carries the fields set by the view
    (school, learner, provider); unique and check constraints that involve
    them are still validated, so the user gets a message, not an error page."""

    scoped_fields: tuple[str, ...] = ()

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        for name in self.scoped_fields:
            exclusions.discard(name)
        return exclusions


def staff_at(school) -> forms.ModelChoiceField:
    return (
        User.objects.filter(memberships__school=school, is_active=True)
        .exclude(memberships__role=Role.BOARD)
        .distinct()
    )


class LearnerForm(ScopedModelForm):
    scoped_fields = ("school",)
    error_subject = "the learner's"
    error_messages_for = {
        "legal_first_name": {"required": "Enter the learner's first name"},
        "legal_last_name": {"required": "Enter the learner's last name"},
    }
    conditional_fields = ("behaviour_risk_assessment_date",)

    class Meta:
        model = Learner
        fields = [
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "upn",
            "date_of_birth",
            "year_group",
            "sen_status",
            "looked_after",
            "has_social_worker",
            "safeguarding_flag",
            "behaviour_risk_assessment",
            "behaviour_risk_assessment_date",
            "key_worker",
            "attainment_baseline",
            "learner_passport",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "behaviour_risk_assessment_date": DateInput(),
            "attainment_baseline": forms.Textarea(attrs={"rows": 3}),
            "learner_passport": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, school, can: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_worker"].queryset = staff_at(school)
        # Restricted fields are left out of the form, so they can neither be
        # seen nor changed by a role without the right (altprov/roles.py).
        if "learner.safeguarding" not in can:
            del self.fields["safeguarding_flag"]
        if "learner.passport.edit" not in can:
            del self.fields["learner_passport"]
        if "learner.attainment.edit" not in can:
            del self.fields["attainment_baseline"]
        self.fields["upn"].widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false"})

    def clean_upn(self) -> str:
        return self.cleaned_data["upn"].strip().upper()

    def clean_year_group(self) -> int:
        year = self.cleaned_data["year_group"]
        if not 1 <= year <= 14:
            raise ValidationError("Year group is a national curriculum year from 1 to 14.")
        return year

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("behaviour_risk_assessment") and not cleaned.get("behaviour_risk_assessment_date"):
            self.add_error(
                "behaviour_risk_assessment_date", "Give the date of the behaviour risk assessment."
            )
        return cleaned


class AttainmentForm(ClearErrorsMixin, forms.ModelForm):
    """The exams officer's part of a learner's record (policy: Responsibilities)."""

    class Meta:
        model = Learner
        fields = ["attainment_baseline"]
        widgets = {"attainment_baseline": forms.Textarea(attrs={"rows": 6})}


class ContactForm(ClearErrorsMixin, forms.ModelForm):
    error_subject = "the contact's"
    error_messages_for = {
        "relationship": {"required": "Enter the contact's relationship to the learner"},
        "phone": {"required": "Enter the contact's phone number"},
    }

    class Meta:
        model = Contact
        fields = [
            "name",
            "relationship",
            "phone",
            "email",
            "address",
            "is_parent_carer",
            "parental_responsibility",
            "emergency_contact",
            "priority",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}


class BaseContactFormSet(forms.BaseInlineFormSet):
    """A learner's contacts: the first two forms are shown for a new learner, but a blank
    one is checked only by the policy's rule (at least two emergency contacts), never
    field by field; a new contact's priority follows the last one's."""

    def _construct_form(self, i, **kwargs):
        if i >= self.initial_form_count():
            kwargs["empty_permitted"] = True
            kwargs["initial"] = {"priority": self.next_priority + i - self.initial_form_count()}
        return super()._construct_form(i, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this contact"

    @cached_property
    def next_priority(self) -> int:
        existing = [contact.priority for contact in self.get_queryset()]
        return max(existing, default=0) + 1

    def clean(self):
        super().clean()
        # Counted even while a contact has other errors, so every problem is shown at once.
        kept = [
            form
            for i, form in enumerate(self.forms)
            if (i < self.initial_form_count() or form.has_changed()) and not self._should_delete_form(form)
        ]
        if sum(1 for form in kept if form.cleaned_data.get("emergency_contact")) >= 2:
            return
        # The message goes where it is put right: a contact not yet marked as an
        # emergency contact, or else the first blank contact.
        not_emergency = next((f for f in kept if not f.cleaned_data.get("emergency_contact")), None)
        blank = next((f for f in self.extra_forms if not f.has_changed()), None)
        if not_emergency is not None:
            not_emergency.add_error(
                "emergency_contact",
                "Tick “Emergency contact” for this contact, or add another: record at least two "
                "emergency contacts",
            )
        elif blank is not None:
            blank.add_error("name", "Enter another emergency contact: record at least two emergency contacts")
        else:
            raise ValidationError("Record at least two emergency contacts.")


ContactFormSet = inlineformset_factory(
    Learner,
    Contact,
    form=ContactForm,
    formset=BaseContactFormSet,
    extra=1,
    min_num=2,
    can_delete=True,
    can_delete_extra=False,
)


class ProviderForm(ClearErrorsMixin, forms.ModelForm):
    error_subject = "the provider's"
    conditional_fields = ("urn", "ukprn", "team_teach_evidence_date")

    class Meta:
        model = Provider
        fields = [
            "name",
            "registration_category",
            "urn",
            "ukprn",
            "ofsted_grade",
            "ofsted_date",
            "lead_contact_name",
            "lead_contact_email",
            "lead_contact_phone",
            "attendance_contact_name",
            "attendance_contact_email",
            "attendance_contact_phone",
            "team_teach_trained",
            "team_teach_evidence_date",
            "session_rate",
            "daily_rate",
            "notes",
        ]
        widgets = {
            "ofsted_date": DateInput(),
            "team_teach_evidence_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, can: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        if "placement.cost.view" not in can:
            del self.fields["session_rate"]
            del self.fields["daily_rate"]

    def clean(self):
        cleaned = super().clean()
        category = cleaned.get("registration_category")
        if category == RegistrationCategory.SCHOOL and not cleaned.get("urn") and "urn" not in self.errors:
            self.add_error("urn", "A registered school needs its URN.")
        if category == RegistrationCategory.FE and not cleaned.get("ukprn") and "ukprn" not in self.errors:
            self.add_error("ukprn", "An FE or training provider needs its UKPRN.")
        if cleaned.get("team_teach_trained") and not cleaned.get("team_teach_evidence_date"):
            self.add_error(
                "team_teach_evidence_date", "Give the date of the Team Teach (or equivalent) evidence."
            )
        return cleaned


class SiteForm(ScopedModelForm):
    scoped_fields = ("provider",)
    error_subject = "the site's"

    class Meta:
        model = ProviderSite
        fields = ["name", "address", "postcode", "phone"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_postcode(self) -> str:
        return " ".join(self.cleaned_data["postcode"].upper().split())


# File signatures: what an upload claims to be must match its first bytes.
ALLOWED_UPLOADS = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}


def validate_upload(upload) -> None:
    name = upload.name.lower()
    ext = next((e for e in ALLOWED_UPLOADS if name.endswith(e)), None)
    if ext is None:
        raise ValidationError("Upload a PDF, PNG or JPEG file.")
    if upload.size > settings.EVIDENCE_MAX_UPLOAD_BYTES:
        limit = settings.EVIDENCE_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError(f"The file is too large: the limit is {limit} MB.")
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ALLOWED_UPLOADS[ext]):
        raise ValidationError("The file's contents do not match its type; upload a real PDF, PNG or JPEG.")


class EvidenceItemForm(ScopedModelForm):
    scoped_fields = ("provider",)
    conditional_fields = ("policy_version", "policy_date")

    class Meta:
        model = EvidenceItem
        fields = [
            "evidence_type",
            "date_received",
            "expires_on",
            "file",
            "policy_version",
            "policy_date",
            "notes",
        ]
        widgets = {"date_received": DateInput(), "expires_on": DateInput(), "policy_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_type"].queryset = EvidenceType.objects.all()
        self.fields["file"].help_text = "PDF, PNG or JPEG. Stored privately; only staff can open it."
        word_errors(self)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "size"):
            validate_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        received, expires = cleaned.get("date_received"), cleaned.get("expires_on")
        if received and expires and expires <= received:
            self.add_error("expires_on", "The expiry or review date must be after the date received.")
        evidence_type = cleaned.get("evidence_type")
        if evidence_type and evidence_type.needs_policy_version:
            if not cleaned.get("policy_version"):
                self.add_error(
                    "policy_version", "Give the version of the school's policy the provider confirmed."
                )
            if not cleaned.get("policy_date"):
                self.add_error("policy_date", "Give the date of that policy version.")
        return cleaned


class ApprovalForm(ClearErrorsMixin, forms.Form):
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class WithdrawApprovalForm(ClearErrorsMixin, forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="Why is the approval withdrawn?",
        error_messages={"required": "Enter why the approval is withdrawn"},
    )


class ProviderReviewForm(ClearErrorsMixin, forms.ModelForm):
    error_messages_for = {"next_review_due": {"required": "Enter the date the next review is due"}}

    class Meta:
        model = ProviderReview
        fields = ["review_date", "outcome", "notes", "next_review_due"]
        widgets = {
            "review_date": DateInput(),
            "next_review_due": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        cleaned = super().clean()
        on, due = cleaned.get("review_date"), cleaned.get("next_review_due")
        if on and due and due <= on:
            self.add_error("next_review_due", "The next review must be after this one.")
        return cleaned


class ProviderClosureForm(ClearErrorsMixin, forms.ModelForm):
    error_messages_for = {
        "start_date": {"required": "Enter the first day the provider is closed"},
        "end_date": {"required": "Enter the last day the provider is closed"},
        "reason": {"required": "Enter why the provider is closed"},
    }

    class Meta:
        model = ProviderClosure
        fields = ["start_date", "end_date", "reason"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The last day closed cannot be before the first.")
        return cleaned


class TermForm(ScopedModelForm):
    scoped_fields = ("school",)
    error_messages_for = {"name": {"required": "Choose the term"}}

    class Meta:
        model = Term
        fields = ["school_year", "name", "start_date", "end_date", "half_term_start", "half_term_end"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "half_term_start": DateInput(),
            "half_term_end": DateInput(),
        }

    def clean_school_year(self) -> str:
        value = self.cleaned_data["school_year"].strip()
        import re

        match = re.fullmatch(r"(\d{4})/(\d{2})", value)
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            raise ValidationError("Write the school year as 2026/27.")
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        ht_start, ht_end = cleaned.get("half_term_start"), cleaned.get("half_term_end")
        if start and end and end <= start:
            self.add_error("end_date", "The term must end after it starts.")
        elif start and end and ht_start and ht_end and not (start < ht_start <= ht_end < end):
            self.add_error("half_term_start", "The half-term break must fall inside the term.")
        if start and end and self.instance.school_id:
            clash = (
                Term.objects.filter(school_id=self.instance.school_id)
                .overlapping(start, end)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if clash:
                self.add_error("start_date", f"These dates overlap {clash}.")
        return cleaned


class SchoolClosureForm(ScopedModelForm):
    scoped_fields = ("school",)
    error_messages_for = {"kind": {"required": "Choose the kind of closure"}}

    class Meta:
        model = SchoolClosure
        fields = ["date", "kind", "description"]
        widgets = {"date": DateInput()}
        error_messages = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ClosureKind.choices
        word_errors(self)

    def validate_unique(self):
        try:
            self.instance.validate_constraints()
        except ValidationError:
            self.add_error("date", "The school is already closed that day.")


class PlacementForm(ScopedModelForm):
    scoped_fields = ("school",)
    error_messages_for = {
        "referral_reasons": {"required": "Choose at least one reason for referral"},
        "rationale": {"required": "Enter the rationale for the placement"},
        "arrangement": {"required": "Choose the arrangement"},
        "review_frequency_weeks": {
            "required": "Enter how many weeks apart the placement is reviewed",
            "invalid": "Weeks between reviews must be a whole number, like 6",
        },
    }
    conditional_fields = (
        "referral_other",
        "parental_agreement_date",
        "part_time_until",
        "part_time_review_date",
        "cost_basis",
        "timetable_from",
    )
    # A form-wide error is about the timetable (no session ticked, a clash): the summary goes there.
    non_field_errors_field = SESSION_FIELDS[0]
    referral_reasons = forms.MultipleChoiceField(
        choices=ReferralReason.choices, widget=forms.CheckboxSelectMultiple, label="Reasons for referral"
    )
    team_teach_understood = forms.BooleanField(
        label="Refer anyway: the provider's Team Teach (or equivalent) training will be recorded before the "
        "placement starts",
        required=False,
    )

    class Meta:
        model = Placement
        fields = [
            "learner",
            "provider",
            "site",
            "referral_reasons",
            "referral_other",
            "rationale",
            "arrangement",
            "am_hours",
            "pm_hours",
            "rest_of_week_at_school",
            "parental_agreement_date",
            "part_time_until",
            "part_time_review_date",
            "start_date",
            "target_end_date",
            "review_frequency_weeks",
            "visiting_staff",
            "cost_amount",
            "cost_basis",
        ]
        widgets = {
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "parental_agreement_date": DateInput(),
            "part_time_until": DateInput(),
            "part_time_review_date": DateInput(),
            "start_date": DateInput(),
            "target_end_date": DateInput(),
        }

    timetable_from = forms.DateField(
        label="New sessions apply from",
        required=False,
        widget=DateInput(),
        help_text="Days before this keep the sessions they had, and their marks.",
    )

    def __init__(self, *args, school, can: frozenset[str], user=None, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        # The weekly sessions are the timetable in force from now on; an active
        # placement's change takes effect from a day chosen below.
        current = self.instance.timetable_versions()[-1:] if self.instance.pk else []
        flags = current[0].flags() if current else {}
        for name in SESSION_FIELDS:
            self.fields[name] = forms.BooleanField(
                label=SESSION_LABELS[name], required=False, initial=flags.get(name, False)
            )
        if self.instance.status == Status.ACTIVE:
            self.fields["timetable_from"].initial = next_school_day(school, self.today)
        else:
            del self.fields["timetable_from"]
        # Searched, not listed: an installation has hundreds of providers and learners.
        for name, make, queryset, extra in (
            ("learner", learner_chooser, Learner.objects.filter(school=school), {}),
            ("provider", provider_chooser, Provider.objects.all(), {}),
            (
                "site",
                site_chooser,
                ProviderSite.objects.select_related("provider"),
                {"within": "id_provider-value"},
            ),
        ):
            old = self.fields[name]
            self.fields[name] = make(
                queryset, label=old.label, required=old.required, help_text=old.help_text, **extra
            )
        # Typed without JavaScript, a site's name ("Main site") is looked for at the provider
        # chosen above it (fields are cleaned in order).
        self.fields["site"].search = self._search_sites
        if self.instance.pk:
            # A placement's learner is fixed; a new placement is made for another learner.
            del self.fields["learner"]
        if self.instance.status in (Status.AGREED, Status.ACTIVE):
            # Agreed with this provider and checked against it: another
            # provider or site is a new referral, not an edit.
            for name in ("provider", "site"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Fixed once agreed: refer the learner again to change it."
        if "placement.decide" in can:
            self.fields["visiting_staff"].queryset = staff_at(school)
        else:
            # SLT appoint the visiting member of staff (policy: Responsibilities).
            del self.fields["visiting_staff"]
        if "placement.cost.view" not in can:
            del self.fields["cost_amount"]
            del self.fields["cost_basis"]
        self.sees_needs = bool(NEEDS_PERMS & can)
        word_errors(self)

    def _search_sites(self, queryset, text: str):
        provider = getattr(self, "cleaned_data", {}).get("provider")
        return search_sites(queryset.filter(provider=provider) if provider else queryset, text)

    def timetable_grid(self):
        return [(name, self[f"{day}_am"], self[f"{day}_pm"]) for day, name in zip(WEEKDAYS, WEEKDAY_NAMES)]

    def clean(self):
        cleaned = super().clean()
        reasons = cleaned.get("referral_reasons") or []
        if ReferralReason.OTHER in reasons and not cleaned.get("referral_other", "").strip():
            self.add_error("referral_other", "Describe the other reason.")
        provider, site = cleaned.get("provider"), cleaned.get("site")
        if provider and site and site.provider_id != provider.pk:
            self.add_error("site", f"Choose one of {provider}'s sites.")
        if not any(cleaned.get(name) for name in SESSION_FIELDS):
            self.add_error(None, "Tick at least one weekly session in the timetable.")
        start, end = cleaned.get("start_date"), cleaned.get("target_end_date")
        if start and end and end <= start:
            self.add_error("target_end_date", "The target end date must be after the start date.")
        if cleaned.get("cost_amount") is not None and not cleaned.get("cost_basis"):
            self.add_error("cost_basis", "Say what the cost covers.")
        warning = self.team_teach_warning
        if warning and not cleaned.get("team_teach_understood"):
            self.add_error("team_teach_understood", warning)
        return cleaned

    def team_teach_hints(self) -> dict[str, str]:
        """For static/js/team-teach.js, which warns as soon as the provider is chosen: the providers
        without Team Teach trained staff and the learners with a behaviour risk assessment (ids,
        space-separated). Empty where the check cannot be made or the user may not see learners' needs:
        the warning on saving stays for them, and without JavaScript."""
        if not self.sees_needs or self.fields["provider"].disabled:
            return {}
        if "learner" in self.fields:
            learners = self.fields["learner"].queryset.filter(behaviour_risk_assessment=True)
            risk = list(learners.values_list("pk", flat=True))
        else:
            risk = [self.instance.learner_id] if self.instance.learner.behaviour_risk_assessment else []
        untrained = Provider.objects.filter(team_teach_trained=False).values_list("pk", flat=True)
        return {
            "untrained": " ".join(map(str, untrained)),
            "risk": " ".join(map(str, risk)),
            "learner": "" if "learner" in self.fields else str(self.instance.learner_id),
            "initial": str(self.instance.provider_id or "") if self.instance.pk else "",
        }

    @property
    def team_teach_warning(self) -> str:
        """At referral, not first at agreement: a learner with a behaviour risk assessment
        placed with a provider without Team Teach (or equivalent) trained staff (policy:
        Quality Assurance). Asked again only when the provider changes."""
        data = getattr(self, "cleaned_data", {})
        learner = data.get("learner") or (self.instance.learner if self.instance.learner_id else None)
        provider = data.get("provider")
        if self.instance.pk and "provider" not in self.changed_data:
            return ""
        if not (learner and provider and learner.behaviour_risk_assessment) or provider.team_teach_trained:
            return ""
        if not self.sees_needs:
            return f"{NEEDS_CHECK} Ask them before referring to {provider}, or tick to refer anyway."
        return (
            f"{learner} has a behaviour risk assessment and {provider} has no Team Teach (or equivalent) "
            "trained staff. Choose a provider with Team Teach trained staff, or tick “Refer anyway” and "
            "record their training on the provider page before the placement starts."
        )

    @property
    def timetable_changed(self) -> bool:
        return bool(set(SESSION_FIELDS) & set(self.changed_data))

    def timetable_flags(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in SESSION_FIELDS}

    @transaction.atomic
    def save(self, commit: bool = True):
        placement = super().save(commit=False)
        if {"cost_amount", "cost_basis"} & set(self.changed_data) and placement.cost_authorised_by_id:
            # An authorisation is for the amount the head saw.
            placement.cost_authorised_by = None
            placement.cost_authorised_at = None
        if commit:
            placement.save()
            self.save_m2m()
            # Before activation the one timetable also follows the start date.
            follows_start = placement.status != Status.ACTIVE and (
                "start_date" in self.changed_data or not placement.timetable_versions()
            )
            if self.timetable_changed or follows_start:
                placement.set_timetable(
                    self.timetable_flags(),
                    by=self.user,
                    effective_from=self.cleaned_data.get("timetable_from"),
                    today=self.today,
                )
        return placement

    def _post_clean(self):
        super()._post_clean()
        placement = self.instance
        asks_from = "timetable_from" in self.fields and "timetable_from" not in self.errors
        if asks_from and self.timetable_changed and placement.start_date:
            effective = self.cleaned_data.get("timetable_from")
            for problem in placement.timetable_change_problems(effective, today=self.today):
                self.add_error("timetable_from", problem)
        if not self.errors and placement.learner_id and placement.start_date and placement.target_end_date:
            flags = [bool(self.cleaned_data.get(name)) for name in SESSION_FIELDS]
            effective = self.cleaned_data.get("timetable_from") if placement.status == Status.ACTIVE else None
            for other in placement.session_clashes(flags=flags, effective_from=effective):
                until = other.end_date or other.target_end_date
                self.add_error(
                    None,
                    f"The timetable claims sessions the learner already has at {other.provider} "
                    f"({date_words(other.start_date)} to {date_words(until)}).",
                )


class TargetForm(ClearErrorsMixin, forms.ModelForm):
    error_subject = "the target's"
    error_messages_for = {"description": {"required": "Describe the target"}}

    class Meta:
        model = PlacementTarget
        fields = ["description", "baseline", "measure"]


TargetFormSet = inlineformset_factory(
    Placement, PlacementTarget, form=TargetForm, extra=1, min_num=1, validate_min=True, can_delete=True
)


class PlanningMeetingForm(ClearErrorsMixin, forms.Form):
    error_messages_for = {"attendees": {"required": "Enter who attended the meeting"}}

    on = forms.DateField(label="Meeting date", widget=DateInput())
    attendees = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="Names and roles of everyone present."
    )
    parents_attended = forms.BooleanField(label="Parents/carers attended", required=False)
    learner_attended = forms.BooleanField(label="Learner attended", required=False)
    provider_attended = forms.BooleanField(label="Provider attended", required=False)
    reasons_explained = forms.BooleanField(
        label="The reasons for the placement were explained to the learner and parents/carers", required=False
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=(
            "Responsibilities for supporting the learner and timescales for review "
            "(policy: Referral Process)."
        ),
    )


class EndPlacementForm(ClearErrorsMixin, forms.Form):
    error_messages_for = {"reason": {"required": "Choose why the placement ended"}}

    on = forms.DateField(label="Last day", widget=DateInput())
    reason = forms.ChoiceField(choices=EndReason.choices)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CeasePlacementForm(ClearErrorsMixin, forms.Form):
    error_messages_for = {"reason": {"required": "Enter why the placement is ceasing"}}
    on = forms.DateField(label="Last day", widget=DateInput())
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A serious incident, or the agreed number of unsatisfactory reviews (policy: Monitoring).",
    )
    # Ceasing cannot be undone: the learner leaves the provider and the placement is closed.
    confirm = forms.BooleanField(
        label="I understand the placement ends on this day and cannot be restarted",
        error_messages={"required": "Tick the box to confirm that the placement is to cease"},
    )


class WhereForm(ClearErrorsMixin, forms.Form):
    error_messages_for = {"session": {"required": "Choose AM or PM"}}

    learner = learner_chooser(
        Learner.objects.none(), every_school=True, help_text="Type two letters of their name, or their UPN."
    )
    on = forms.DateField(label="Date", widget=DateInput())
    session = forms.ChoiceField(choices=[("am", "AM"), ("pm", "PM")])

    def __init__(self, *args, school_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = Learner.objects.for_schools(school_ids)
