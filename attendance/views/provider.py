"""The provider's daily register, opened from an expiring link (no account).

One page: today's expected sessions for the link's provider at the link's
school, and the previous school day while it is incomplete. "All present"
in one action, then the exceptions; or "closed today". Learners are shown
by preferred first name and surname initial only.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.decorators.http import require_http_methods

from altprov import links
from altprov.models import LinkToken
from placements.models import Placement, Provider, ProviderClosure
from placements.schedule import expected_sessions

from ..closed_today import report_closed
from ..daily_links import last_day, provider_of
from ..forms.provider import PM_STARTS, ProviderClosedForm, ProviderRegisterFormSet, RegisterRow
from ..models import AttendanceMark, MarkStatus, Source
from ..recording import MarkInput, RecordResult, record_marks

# How far back "yesterday" may be: the previous school day with expected sessions.
LOOK_BACK_DAYS = 7
ACTIONS = ("all_present", "save", "closed")


@dataclass
class RegisterDay:
    day: date
    is_today: bool
    rows: list[RegisterRow] = field(default_factory=list)

    @property
    def iso(self) -> str:
        return self.day.isoformat()

    @property
    def marked(self) -> int:
        return sum(1 for row in self.rows if row.mark is not None)

    @property
    def complete(self) -> bool:
        return self.marked == len(self.rows)

    @property
    def can_all_present(self) -> bool:
        return any(row.mark is None and row.started for row in self.rows)

    @property
    def waiting_for_afternoon(self) -> bool:
        return any(row.mark is None and not row.started for row in self.rows)


@dataclass
class Register:
    provider: Provider
    today: RegisterDay
    previous: RegisterDay | None
    closure: ProviderClosure | None

    @property
    def days(self) -> list[RegisterDay]:
        return [d for d in (self.today, self.previous) if d is not None]

    @property
    def rows(self) -> list[RegisterRow]:
        return [row for d in self.days for row in d.rows]

    def offered(self, value: str) -> RegisterDay | None:
        return next((d for d in self.days if d.rows and d.iso == value), None)


def build_register(link: LinkToken, provider: Provider, now: datetime) -> Register:
    """Today's sessions and the previous school day's (only while incomplete) for the link's provider."""
    today = now.date()
    expected = expected_sessions(
        today - timedelta(days=LOOK_BACK_DAYS),
        today,
        placements=Placement.objects.filter(school=link.school, provider=provider),
    )
    previous_day = max((e.day for e in expected if e.day < today), default=None)
    wanted = [e for e in expected if e.day in (today, previous_day)]
    ids = {e.placement_id for e in wanted}
    # Only what the page shows and recording needs: nothing else about the learner is loaded.
    placements = (
        Placement.objects.filter(pk__in=ids)
        .select_related("learner")
        .only(
            "pk",
            "school_id",
            "provider_id",
            "arrangement",
            "learner__preferred_name",
            "learner__legal_first_name",
            "learner__legal_last_name",
        )
    )
    by_pk = {p.pk: p for p in placements} if ids else {}
    marks = (
        {
            (m.placement_id, m.date, m.session): m
            for m in AttendanceMark.objects.filter(placement_id__in=ids, date__in={e.day for e in wanted})
        }
        if ids
        else {}
    )
    days = {today: RegisterDay(today, True)}
    if previous_day is not None:
        days[previous_day] = RegisterDay(previous_day, False)
    for e in wanted:
        days[e.day].rows.append(
            RegisterRow(
                day=e.day,
                session=e.session,
                placement=by_pk[e.placement_id],
                mark=marks.get((e.placement_id, e.day, e.session)),
                started=e.day < today or e.session == "AM" or now.time() >= PM_STARTS,
            )
        )
    for register_day in days.values():
        register_day.rows.sort(key=lambda r: (r.name, r.placement.pk, r.session))
    previous = days.get(previous_day)
    if previous is not None and previous.complete:
        previous = None
    closure = (
        ProviderClosure.objects.filter(
            school=link.school, provider=provider, start_date__lte=today, end_date__gte=today
        )
        .only("pk", "reason", "start_date", "end_date")
        .first()
    )
    return Register(provider=provider, today=days[today], previous=previous, closure=closure)


def _lock(link: LinkToken, provider: Provider) -> None:
    """Serialise submissions for one provider at one school (two phones, a double tap).

    Without it, "all present" could read a session as unmarked while another
    request marks it absent, and then turn that absence into a correction.
    """
    list(
        Placement.objects.select_for_update()
        .filter(school=link.school, provider=provider)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _summary(result: RecordResult) -> str:
    marks = result.created + [a.mark for a in result.amended]
    if not marks:
        return "Nothing changed: those marks were already recorded."
    counts = Counter(m.status for m in marks)
    parts = [f"{counts[s]} {label.lower()}" for s, label in MarkStatus.choices if counts[s]]
    days = sorted({m.date for m in marks})
    when = " and ".join(format_date(d, "l j F") for d in days)
    text = f"Thank you. Saved for {when}: {', '.join(parts)}."
    if result.amended:
        changed = len(result.amended)
        text += f" The school has been told about the {changed} change{'s' if changed > 1 else ''}."
    return text


def _render(request, link, register, formset, closed_form) -> HttpResponse:
    form_for = {form.row.key: form for form in formset}
    days = []
    for register_day in register.days:
        cards: dict[int, dict] = {}
        for row in register_day.rows:
            card = cards.setdefault(row.placement.pk, {"name": row.name, "forms": []})
            card["forms"].append(form_for[row.key])
        days.append({"day": register_day, "cards": list(cards.values())})
    context = {
        "link": link,
        "school": link.school,
        "provider": register.provider,
        "last_day": last_day(link),
        "register": register,
        "days": days,
        "formset": formset,
        "closed_form": closed_form,
        "pm_starts": PM_STARTS,
        # The link's further pages (another app's urgent forms), under the token this page was opened with.
        "token": request.resolver_match.kwargs["token"],
        "subpages": links.subpages(link.purpose),
    }
    return render(request, "attendance/provider_register.html", context)


def _refused(request, link) -> HttpResponse:
    return render(
        request,
        "attendance/provider_register_refused.html",
        {"school": link.school, "link": link},
        status=400,
    )


# Served by altprov.links.link_page (registered in AttendanceConfig.ready()),
# which has checked the link, counted the request and marks the answer
# private; it also explains why there is no CSRF token.
@require_http_methods(["GET", "HEAD", "POST"])
def provider_register(request: HttpRequest, link: LinkToken) -> HttpResponse:
    now = timezone.localtime()
    provider = provider_of(link)
    if request.method != "POST":
        register = build_register(link, provider, now)
        return _render(
            request, link, register, ProviderRegisterFormSet(rows=register.rows), ProviderClosedForm()
        )

    action = next((name for name in ACTIONS if name in request.POST), None)
    if action is None:
        return _refused(request, link)
    with transaction.atomic():
        _lock(link, provider)
        register = build_register(link, provider, now)
        if action == "closed":
            return _closed(request, link, register)
        day = register.offered(request.POST[action]) if action == "all_present" else None
        if action == "all_present" and day is None:
            return _refused(request, link)
        formset = ProviderRegisterFormSet(request.POST, rows=register.rows)
        if not formset.is_valid():
            return _render(request, link, register, formset, ProviderClosedForm())
        entries = formset.entries()
        if day is not None:
            # The exceptions typed on the page count; every other session that has started is present.
            typed = {(e.placement.pk, e.day, e.session) for e in entries}
            entries += [
                MarkInput(
                    placement=row.placement,
                    day=row.day,
                    session=row.session,
                    status=MarkStatus.PRESENT,
                    only_if_new=True,
                )
                for row in day.rows
                if row.mark is None and row.started and row.key not in typed
            ]
        if not entries:
            messages.info(request, "Nothing to save: choose Present, Late or Absent for a session first.")
            return redirect(request.path)
        result = record_marks(school=link.school, entries=entries, source=Source.PROVIDER_LINK)
    messages.success(request, _summary(result))
    return redirect(request.path)


def _closed(request: HttpRequest, link: LinkToken, register: Register) -> HttpResponse:
    today = register.today
    provider = register.provider
    if request.POST["closed"] != today.iso:
        return _refused(request, link)
    if register.closure is not None and not today.rows:
        messages.info(request, f"{provider.name} is already recorded as closed today.")
        return redirect(request.path)
    if not today.rows:
        return _refused(request, link)
    closed_form = ProviderClosedForm(request.POST)
    if closed_form.is_valid() and today.marked:
        closed_form.add_error(
            None,
            f"Some of today's sessions are already marked, so the register can't be closed here. "
            f"Please phone {link.school.name} on {link.school.phone}.",
        )
    if not closed_form.is_valid():
        return _render(request, link, register, ProviderRegisterFormSet(rows=register.rows), closed_form)
    report_closed(
        school=link.school,
        provider=provider,
        day=today.day,
        placement_ids={row.placement.pk for row in today.rows},
    )
    messages.success(
        request,
        f"Thank you. {provider.name} is recorded as closed today, {format_date(today.day, 'l j F')}. "
        "The school has been told.",
    )
    return redirect(request.path)
