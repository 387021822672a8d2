from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm

from .form_errors import ClearErrorsMixin
from .links import count_request
from .models import JOBS_END, JOBS_START, SCHOOL_TIMES, School
from .security import client_key

# (earlier, later): email before the morning cut-off, each cut-off before its
# escalation, the morning cut-off before the afternoon's. The database's check
# constraints refuse any other order too.
TIME_ORDER = [
    ("provider_email_time", "report_cutoff"),
    ("report_cutoff", "escalation_time"),
    ("report_cutoff", "pm_report_cutoff"),
    ("pm_report_cutoff", "pm_escalation_time"),
]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def _hm(at) -> str:
    return at.strftime("%H:%M")


class SchoolSettingsForm(ClearErrorsMixin, forms.ModelForm):
    error_subject = "the school's"
    error_messages_for = {
        "phone": {"required": "Enter the school's phone number"},
        "attendance_target": {"required": "Enter the attendance target, as a percentage"},
        "review_notice_days": {
            "required": "Enter how many days before the term ends termly review requests are sent",
            "min_value": "Send termly review requests at least 1 day before the term ends",
            "max_value": "Send termly review requests at most 60 days before the term ends",
        },
    }

    class Meta:
        model = School
        fields = [
            "address",
            "phone",
            "email",
            "dsl_name",
            "dsl_phone",
            "dsl_email",
            "attendance_target",
            *SCHOOL_TIMES,
            "review_notice_days",
            "end_sessions_on_browser_close",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})} | {
            name: TimeInput() for name in SCHOOL_TIMES
        }

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("attendance_target")
        if target is not None and not 0 <= target <= 100:
            self.add_error("attendance_target", "The target is a percentage from 0 to 100.")
        for name in SCHOOL_TIMES:
            at = cleaned.get(name)
            if at is not None and not JOBS_START <= at <= JOBS_END:
                self.add_error(
                    name, f"{self.fields[name].label} must be between {_hm(JOBS_START)} and {_hm(JOBS_END)}."
                )
        for earlier, later in TIME_ORDER:
            first, then = cleaned.get(earlier), cleaned.get(later)
            if first is None or then is None or first < then:
                continue
            # The message goes on the time that depends on the other: the
            # email time on the cut-off, each escalation on its cut-off.
            if earlier == "provider_email_time":
                self._order_error(earlier, "before", later, then)
            else:
                self._order_error(later, "after", earlier, first)
        return cleaned

    def _order_error(self, name: str, relation: str, other: str, other_value) -> None:
        if name in self.errors:
            return
        other_label = School._meta.get_field(other).verbose_name
        self.add_error(
            name, f"{self.fields[name].label} must be {relation} the {other_label} ({_hm(other_value)})."
        )


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, with no flood of emails to an account or from one address.

    Each request is counted in the database (altprov.links.count_request), per
    client address and per account, in clock hours. Over either limit no email
    goes, and the page answers just as it does when the address is unknown,
    so it tells no one which addresses have accounts.
    """

    def get_users(self, email):
        limit = settings.PASSWORD_RESET_EMAILS_PER_ACCOUNT_PER_HOUR
        for user in super().get_users(email):
            if count_request(f"reset:user:{user.pk}", per=timedelta(hours=1)) <= limit:
                yield user

    def save(self, *args, request=None, **kwargs):
        if request is not None:
            hits = count_request(f"reset:ip:{client_key(request)}", per=timedelta(hours=1))
            if hits > settings.PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR:
                return
        super().save(*args, request=request, **kwargs)
