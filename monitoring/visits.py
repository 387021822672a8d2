"""Recording a visit: starting one, its draft as typed, the attendance figure
it starts from, and submitting it (the policy's Alternative Provision Visit
Proforma).

A draft holds the form's fields as typed (Visit.draft), saved as the visitor
types and whenever they ask, so nothing is lost to poor signal or an expired
session. Submitting writes the fields, the actions and the safeguarding link
in one transaction. A "yes" to safeguarding concerns raises a concern in the
DSL's log (monitoring.concerns.raise_concern) or links one the visitor raised
in the last 14 days; the visit keeps only the link, never the detail (KCSIE:
child-protection records are kept apart and DSL-controlled).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from attendance.figures import figures_for, this_term
from placements.models import Placement

from .concerns import raise_concern
from .forms.visits import NOT_IN_DRAFT, yes_no
from .models import Action, ActionSide, ConcernSource, SafeguardingConcern, Visit, VisitStatus

LINKABLE_CONCERN_DAYS = 14


class AlreadySubmitted(Exception):
    pass


def prefill_attendance(placement: Placement, day: date) -> Decimal | None:
    """The learner's attendance this term so far, up to `day`, from the marks (None before any mark)."""
    term = this_term(placement.school_id, day)
    if term is None:
        return None
    end = min(day, term.end_date)
    if end < term.start_date:
        return None
    figures = figures_for([placement.learner_id], term.start_date, end).get(placement.learner_id)
    return figures.rounded_percent if figures else None


def linkable_concerns(user, placement: Placement, *, now: datetime | None = None):
    """Concerns the user raised about this learner in the last 14 days, to link instead of raising again."""
    now = now or timezone.now()
    return SafeguardingConcern.objects.filter(
        school_id=placement.school_id,
        learner_id=placement.learner_id,
        raised_by=user,
        raised_at__gte=now - timedelta(days=LINKABLE_CONCERN_DAYS),
    ).only("pk", "raised_at")


def start_visit(*, placement: Placement, user) -> Visit:
    """The user's draft visit to the placement: the one they have begun, or a new one."""
    visit = (
        Visit.objects.filter(placement=placement, created_by=user, status=VisitStatus.DRAFT)
        .order_by("-updated_at")
        .first()
    )
    if visit:
        return visit
    return Visit.objects.create(
        school_id=placement.school_id,
        placement=placement,
        staff=user,
        created_by=user,
        learner_class=f"Year {placement.learner.year_group}",
    )


def draft_data(data) -> dict:
    """The form's fields as typed, to keep in a draft: never the concern text or the CSRF token."""
    result = {}
    for key in data:
        if key in NOT_IN_DRAFT:
            continue
        values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
        result[key] = str(values[-1])[:10000] if values else ""
    return result


def save_draft(*, visit: Visit, data) -> datetime:
    """Keep the form as typed; the time it was kept."""
    visit.draft = draft_data(data)
    visit.save(update_fields=["draft", "updated_at"])
    return visit.updated_at


def form_initial(visit: Visit) -> dict:
    """What the form shows: the visit's fields, then whatever the draft holds over them."""
    initial = {
        "learner_class": visit.learner_class,
        "visited_on": visit.visited_on,
        "visited_at": visit.visited_at,
        "staff": visit.staff_id,
        "attendance_percent": visit.attendance_percent,
        "attendance_percent_note": visit.attendance_percent_note,
        "safeguarding_concerns": yes_no(visit.safeguarding_concerns),
        "attendance_notes": visit.attendance_notes,
        "behaviour_notes": visit.behaviour_notes,
        "progress_notes": visit.progress_notes,
        "attainment_notes": visit.attainment_notes,
        "curriculum_notes": visit.curriculum_notes,
        "other_agencies": visit.other_agencies,
        "parent_contact": yes_no(visit.parent_contact),
        "parent_contact_reason": visit.parent_contact_reason,
        "review_meeting_date": visit.review_meeting_date,
        "learner_views": visit.learner_views,
    }
    draft = visit.draft or {}
    initial.update({k: v for k, v in draft.items() if "-" not in k})
    return initial


def action_initial(draft: dict, prefix: str) -> list[dict]:
    """The action rows a draft holds under `prefix`, the blank ones left out."""
    try:
        total = min(int(draft.get(f"{prefix}-TOTAL_FORMS", 0)), 20)
    except ValueError:
        total = 0
    rows = []
    for i in range(total):
        row = {
            key.removeprefix(f"{prefix}-{i}-"): value
            for key, value in draft.items()
            if key.startswith(f"{prefix}-{i}-")
        }
        if any(str(v).strip() for v in row.values()):
            rows.append(row)
    return rows


@transaction.atomic
def submit_visit(
    *, visit: Visit, form, school_actions, provider_actions, user, now: datetime | None = None
) -> Visit:
    """Write the proforma from the valid form, with its actions and the safeguarding link; lock it."""
    now = now or timezone.now()
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if locked.status != VisitStatus.DRAFT:
        raise AlreadySubmitted
    data = form.cleaned_data
    placement = visit.placement
    concern = None
    if data["safeguarding_concerns"] == "yes":
        concern = data.get("existing_concern") or raise_concern(
            learner=placement.learner,
            placement=placement,
            detail=data["concern_detail"].strip(),
            source=ConcernSource.VISIT,
            raised_by=user,
            now=now,
        )
    for name in (
        "learner_class",
        "visited_on",
        "visited_at",
        "staff",
        "attendance_percent",
        "attendance_percent_note",
        "attendance_notes",
        "behaviour_notes",
        "progress_notes",
        "attainment_notes",
        "curriculum_notes",
        "other_agencies",
        "parent_contact_reason",
        "review_meeting_date",
        "learner_views",
    ):
        setattr(visit, name, data[name])
    visit.attendance_prefilled = form.prefilled
    visit.safeguarding_concerns = data["safeguarding_concerns"] == "yes"
    visit.parent_contact = data["parent_contact"] == "yes"
    if visit.parent_contact:
        visit.parent_contact_reason = ""
    if visit.attendance_percent == form.prefilled:
        visit.attendance_percent_note = ""
    visit.concern = concern
    visit.status = VisitStatus.SUBMITTED
    visit.submitted_at = now
    visit.draft = {}
    visit.save()
    bulk_create_with_history(
        [
            Action(
                school_id=visit.school_id,
                placement=placement,
                visit=visit,
                side=ActionSide.SCHOOL,
                description=row["description"],
                owner=row["owner"],
                due_date=row["due_date"],
                created_by=user,
            )
            for row in school_actions.rows()
        ]
        + [
            Action(
                school_id=visit.school_id,
                placement=placement,
                visit=visit,
                side=ActionSide.PROVIDER,
                description=row["description"],
                owner_name=row["owner_name"],
                due_date=row["due_date"],
                created_by=user,
            )
            for row in provider_actions.rows()
        ],
        Action,
        default_user=user,
    )
    return visit
