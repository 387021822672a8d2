"""Forms of the safeguarding log: raising a concern (staff, provider), the chronology, files, closing."""

from datetime import date

from django import forms
from django.urls import reverse_lazy

from altprov.form_errors import ClearErrorsMixin
from placements.choosers import learner_chooser, placement_chooser, search_placements
from placements.forms import DateInput, validate_upload
from placements.models import Learner, Placement, Status

from ..models import ConcernAttachment, ConcernEntry, EntryKind

# Placements a concern (or an incident) may be about: planned to start or running.
OPEN_FOR_REPORTS = (Status.AGREED, Status.ACTIVE)

ABOUT_PROVIDER_STAFF = "It is an allegation about a member of the provider's staff"
ABOUT_PROVIDER_STAFF_HELP = (
    "An allegation that someone working at the provider has harmed a child, or may have: "
    "the DSL must tell the Local Authority Designated Officer (LADO) the same day."
)


# The choosers search (monitoring/views/choosers.py) rather than list: a large school has
# hundreds of learners and placements.
LEARNER_SEARCH = reverse_lazy("monitoring:report_learner_search")
PLACEMENT_SEARCH = reverse_lazy("monitoring:report_placement_search")
TYPE_TO_SEARCH = "Type two letters of their name."


def report_learner_label(learner: Learner) -> str:
    """Name and year group: every member of staff may raise a concern, not all may see a UPN."""
    return f"{learner.display_name}, Year {learner.year_group}"


def report_placements(school):
    """The school's placements a concern or an incident may be about."""
    return Placement.objects.filter(school=school, status__in=OPEN_FOR_REPORTS).select_related(
        "learner", "provider"
    )


class ProviderPlacementChoiceField(forms.ModelChoiceField):
    """A provider's learners as its own pages show them: first name and surname initial."""

    def label_from_instance(self, obj: Placement) -> str:
        return obj.learner.provider_safe_name


def provider_placements(link):
    """The link's provider's agreed or active placements at the link's school."""
    return (
        Placement.objects.filter(school=link.school, provider_id=link.subject_id, status__in=OPEN_FOR_REPORTS)
        .select_related("learner")
        .only("pk", "learner__preferred_name", "learner__legal_first_name", "learner__legal_last_name")
        .order_by("learner__preferred_name", "learner__legal_first_name", "learner__legal_last_name", "pk")
    )


class RaiseConcernForm(ClearErrorsMixin, forms.Form):
    learner = learner_chooser(
        Learner.objects.none(), url=LEARNER_SEARCH, label="Learner", help_text=TYPE_TO_SEARCH
    )
    placement = placement_chooser(
        Placement.objects.none(),
        url=PLACEMENT_SEARCH,
        within="id_learner-value",
        required=False,
        label="Their placement",
        help_text="If the concern arose at, or is about, an alternative provision placement: "
        "the learner's placements are offered once the learner is chosen, or type the provider's name.",
    )
    detail = forms.CharField(
        label="What was seen, heard or said",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Facts, in the words used where you can, with when and where. Do not investigate.",
    )
    about_provider_staff = forms.BooleanField(
        label=ABOUT_PROVIDER_STAFF, required=False, help_text=ABOUT_PROVIDER_STAFF_HELP
    )
    error_messages_for = {
        "learner": {"required": "Choose the learner the concern is about"},
        "detail": {"required": "Enter what was seen, heard or said"},
    }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = Learner.objects.filter(school=school)
        self.fields["learner"].label_from_instance = report_learner_label
        self.fields["placement"].queryset = report_placements(school)
        # Typed without JavaScript, a placement is looked for among the chosen learner's
        # (fields are cleaned in order).
        self.fields["placement"].search = self._search_placements

    def _search_placements(self, queryset, text: str):
        learner = self.cleaned_data.get("learner")
        return search_placements(queryset.filter(learner=learner) if learner else queryset, text)

    def clean(self):
        cleaned = super().clean()
        learner, placement = cleaned.get("learner"), cleaned.get("placement")
        if learner and placement and placement.learner_id != learner.pk:
            self.add_error("placement", "Choose one of this learner's placements, or none.")
        return cleaned


class ProviderConcernForm(ClearErrorsMixin, forms.Form):
    placement = ProviderPlacementChoiceField(
        queryset=Placement.objects.none(), label="Learner", empty_label="Choose the learner"
    )
    detail = forms.CharField(
        label="What was seen, heard or said",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Facts, in the words used where you can, with when and where.",
    )
    about_provider_staff = forms.BooleanField(
        label="It is an allegation about a member of your staff",
        required=False,
        help_text="The school's DSL will tell the Local Authority Designated Officer (LADO) the same day.",
    )
    name = forms.CharField(label="Your name", max_length=200)
    role = forms.CharField(label="Your role", max_length=200)
    error_messages_for = {
        "placement": {"required": "Choose the learner the concern is about"},
        "detail": {"required": "Enter what was seen, heard or said"},
        "name": {"required": "Enter your name"},
        "role": {"required": "Enter your role"},
    }

    def __init__(self, *args, link, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = provider_placements(link)


class EntryForm(ClearErrorsMixin, forms.ModelForm):
    conditional_fields = ("referred_to",)
    error_messages_for = {
        "kind": {"required": "Choose what kind of entry this is"},
        "what": {"required": "Enter what was done"},
    }

    class Meta:
        model = ConcernEntry
        fields = ["kind", "happened_on", "what", "why", "referred_to"]
        labels = {"kind": "Kind of entry", "referred_to": "Referred to (for a referral)"}
        widgets = {
            "happened_on": DateInput(),
            "what": forms.Textarea(attrs={"rows": 4}),
            "why": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, concern, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["kind"].choices = [
            (value, label) for value, label in EntryKind.choices if value != EntryKind.OUTCOME
        ]
        self.fields["kind"].widget = forms.RadioSelect(choices=self.fields["kind"].choices)
        self.initial.setdefault("happened_on", today)
        if concern.about_provider_staff:
            self.fields["referred_to"].help_text = (
                "An allegation about a member of the provider's staff goes to the "
                "Local Authority Designated Officer (LADO), the same day."
            )
            self.initial.setdefault("referred_to", "The LADO")

    def clean_happened_on(self) -> date:
        on = self.cleaned_data["happened_on"]
        if on > self.today:
            raise forms.ValidationError("The date cannot be in the future: record what has happened.")
        return on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == EntryKind.REFERRAL and not cleaned.get("referred_to", "").strip():
            self.add_error("referred_to", "Enter who the concern was referred to.")
        return cleaned


class AttachmentForm(ClearErrorsMixin, forms.ModelForm):
    error_messages_for = {"file": {"required": "Choose a file to upload"}}

    class Meta:
        model = ConcernAttachment
        fields = ["file", "description"]
        labels = {"description": "What the file is"}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and hasattr(upload, "size"):
            validate_upload(upload)
        return upload


class CloseForm(ClearErrorsMixin, forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was decided and done in the end, and why the concern can be closed.",
    )
    closed_on = forms.DateField(label="Closed on", widget=DateInput())
    error_messages_for = {"outcome": {"required": "Enter the outcome of the concern"}}

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.initial.setdefault("closed_on", today)

    def clean_closed_on(self) -> date:
        on = self.cleaned_data["closed_on"]
        if on > self.today:
            raise forms.ValidationError("The closing date cannot be in the future.")
        return on
