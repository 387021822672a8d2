"""Demo data, monitoring's part (altprov/demo.py runs it after attendance's): a term of monitoring for the
main school's active placements.

- Visits: one in the first half of the autumn term for every active placement but one (whose half term
  passed without a visit: overdue), one in the second half for every third, and one draft.
- Termly reviews for the autumn term: one returned early with the school's response, two waiting (each
  with its link to the provider), and one whose return date has passed. The demo calendar has no term
  before this one, so that one was asked back by a date before the end of term.
- Two serious incidents, one with its course of action decided and one waiting.
- One safeguarding concern, raised through monitoring.concerns.raise_concern, with two chronology
  entries by the DSL.
- Review meetings: one placement with two unsatisfactory meetings (so its decision on ceasing is
  open for SLT), one satisfactory; actions agreed at them, some done, some open and one overdue.
- An agreement review.

Everything is keyed on its placement and date, so a second run adds nothing. Dates after today are
left out, so the demo makes sense whatever day it is run in the demo school year.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from altprov.demo import Demo
from altprov.links import issue_link
from altprov.models import LinkAudience, LinkPurpose, LinkToken
from placements.demo import Seeded
from placements.models import Placement, Status, Term, TermName

from .concerns import raise_concern
from .meeting_flags import check_monitoring_due
from .meetings import ActionPlan, record_agreement_review, record_meeting
from .models import (
    Action,
    ActionSide,
    AgreementReview,
    ConcernEntry,
    ConcernSource,
    EntryKind,
    Incident,
    MeetingOutcome,
    ReviewMeeting,
    ReviewStatus,
    SafeguardingConcern,
    TermlyReview,
    Visit,
    VisitStatus,
)

D = date
FIRST_HALF_END = D(2026, 10, 23)
SECOND_HALF_START = D(2026, 11, 2)
NO_FIRST_HALF_VISIT = 2  # the placement whose first half term passed without a visit
DRAFT_VISIT = 1
DECISION = "Restorative meeting at the provider; a one-day internal exclusion; risk assessment updated."
CONCERN_DETAIL = (
    "At pick-up the learner said an older learner at the provider has been taking his bus money and "
    "that he is scared to go on Fridays. Bruising seen on his forearm; he said he fell over."
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def weekday_on_or_before(day: date) -> date:
    while day.weekday() > 4:
        day -= timedelta(days=1)
    return day


def seed(demo: Demo) -> None:
    placed: Seeded = demo.shared["placements"]
    main, users = demo.schools["main"], demo.users
    today = timezone.localdate()
    placements = list(
        Placement.objects.filter(school=main, status=Status.ACTIVE, learner__in=placed.main_learners[0])
        .select_related("learner", "provider", "school")
        .prefetch_related("targets")
        .order_by("start_date", "pk")
    )
    if len(placements) < 9:
        return
    pastoral, slt, head, dsl = users["pastoral"], users["slt"], users["head"], users["dsl"]
    seed_visits(placements, visitor=pastoral, today=today)
    seed_termly_reviews(main, placements, responder=slt, today=today)
    seed_incidents(placements, pastoral=pastoral, slt=slt, today=today)
    concern = seed_concern(placements[5], raised_by=pastoral, dsl=dsl, today=today)
    seed_meetings(placements, pastoral=pastoral, slt=slt, head=head, today=today)
    seed_agreement_reviews(placements, by=pastoral, today=today)
    summary = check_monitoring_due()
    demo.report.append(
        f"Monitoring: {Visit.objects.filter(school=main).count()} visits, "
        f"{TermlyReview.objects.filter(school=main).count()} termly reviews, "
        f"{Incident.objects.filter(school=main).count()} incidents, "
        f"{ReviewMeeting.objects.filter(school=main).count()} review meetings, "
        f"{Action.objects.filter(school=main).count()} actions; flags raised now: "
        f"{summary['agreement_review_due']} agreement reviews, {summary['action_overdue']} actions"
        + ("" if concern else "; no safeguarding concern (its pages are not installed)")
    )


def seed_visits(placements: list[Placement], *, visitor, today: date) -> None:
    stored = set(Visit.objects.filter(placement__in=placements).values_list("placement_id", "visited_on"))
    drafts = set(
        Visit.objects.filter(placement__in=placements, status=VisitStatus.DRAFT).values_list(
            "placement_id", flat=True
        )
    )
    rows = []
    for i, placement in enumerate(placements):
        start = placement.activated_on or placement.start_date
        days = []
        if i != NO_FIRST_HALF_VISIT and start <= FIRST_HALF_END - timedelta(days=7):
            days.append(weekday_on_or_before(min(start + timedelta(days=14 + i), FIRST_HALF_END)))
        if i % 3 == 0:
            days.append(weekday_on_or_before(SECOND_HALF_START + timedelta(days=8 + i)))
        for n, day in enumerate(days):
            if day > today or (placement.pk, day) in stored:
                continue
            rows.append(_visit(placement, visitor, day, attendance=Decimal(str(96 - (i + n) % 7))))
        draft_day = weekday_on_or_before(today - timedelta(days=1))
        if i == DRAFT_VISIT and placement.pk not in drafts:
            rows.append(
                Visit(
                    school_id=placement.school_id,
                    placement=placement,
                    staff=visitor,
                    status=VisitStatus.DRAFT,
                    visited_on=draft_day,
                    visited_at=time(10, 30),
                    behaviour_notes="Settled quickly; worked with the instructor on the lathe.",
                    draft={"behaviour_notes": "Settled quickly; worked with the instructor on the lathe."},
                    created_by=visitor,
                )
            )
    for visit in rows:
        visit.save()


def _visit(placement: Placement, visitor, day: date, *, attendance: Decimal) -> Visit:
    learner = placement.learner.first_name
    return Visit(
        school_id=placement.school_id,
        placement=placement,
        staff=visitor,
        status=VisitStatus.SUBMITTED,
        visited_on=day,
        visited_at=time(10, 0),
        learner_class=f"{placement.learner.year_group}P",
        attendance_percent=attendance,
        attendance_prefilled=attendance,
        safeguarding_concerns=False,
        attendance_notes="Registers sent each morning; absences followed up by the provider the same day.",
        behaviour_notes=f"{learner} was calm and polite, and stayed on task for the whole session.",
        progress_notes="On track with this half term's units.",
        attainment_notes="Two unit assessments passed since the last visit.",
        curriculum_notes="Practical work with English and maths built in.",
        other_agencies="None",
        parent_contact=True,
        learner_views=f'{learner} says the staff listen and the work is "proper work".',
        submitted_at=at(day, 15),
        created_by=visitor,
    )


def seed_termly_reviews(school, placements: list[Placement], *, responder, today: date) -> None:
    term = (
        Term.objects.filter(school=school, name=TermName.AUTUMN, start_date__lte=today)
        .order_by("-start_date")
        .first()
    )
    if term is None:
        return
    # (placement index, returned?, asked back by)
    plan = [
        (0, True, term.end_date),
        (3, False, term.end_date),
        (4, False, term.end_date),
        (6, False, D(2026, 11, 27)),
    ]
    stored = {
        r.placement_id: r for r in TermlyReview.objects.filter(term=term, placement__in=placements, version=1)
    }
    for index, returned, due in plan:
        placement = placements[index]
        review = stored.get(placement.pk)
        if review is None:
            review = TermlyReview(
                school_id=placement.school_id,
                placement=placement,
                term=term,
                due_date=due,
                requested_at=at(min(today, term.end_date) - timedelta(days=14), 8),
                provision_attended=f"{placement.provider.name}, {placement.site.name}",
            )
            if returned:
                returned_at = at(weekday_on_or_before(today - timedelta(days=3)), 16)
                review.status = ReviewStatus.SUBMITTED
                review.submitted_at = returned_at
                review.dates_attended = f"{placement.start_date:%d/%m/%Y} to date"
                review.completed_by_name = placement.provider.lead_contact_name
                review.attendance_percent = Decimal("94.0")
                review.attendance_commentary = "Two days' illness in October, both reported by 9:30."
                review.punctuality = "On time every day since half term."
                review.attitude_to_learning = "Keen in practical sessions; needs prompting in written work."
                review.skills_covered = "Health and safety in the workshop; measuring and marking out."
                review.next_targets = "Complete the Level 1 joinery unit; read the unit booklet each week."
                review.other_comments = "A pleasure to work with."
                review.school_response = "Thank you. We will support the reading target at school."
                review.school_response_by = responder
                review.school_response_at = returned_at + timedelta(days=1)
            review.save()
        if review.status == ReviewStatus.REQUESTED and not LinkToken.objects.about(TermlyReview, [review.pk]):
            issue_link(
                purpose=LinkPurpose.TERMLY_REVIEW,
                school=placement.school,
                subject=review,
                audience=LinkAudience.PROVIDER,
                recipient_name=placement.provider.lead_contact_name,
                recipient_email=placement.provider.lead_contact_email,
                expires_at=at(max(due, today) + timedelta(days=14), 18),
            )


def seed_incidents(placements: list[Placement], *, pastoral, slt, today: date) -> None:
    plan = [
        (3, D(2026, 10, 8), True, "Threw a chair in the workshop after an argument over tools; no one hurt."),
        (
            4,
            weekday_on_or_before(today - timedelta(days=2)),
            False,
            "Left the site at lunchtime without permission; found at the bus stop 20 minutes later.",
        ),
    ]
    for index, day, decided, what in plan:
        placement = placements[index]
        if day > today or Incident.objects.filter(placement=placement).exists():
            continue
        Incident.objects.create(
            school_id=placement.school_id,
            placement=placement,
            occurred_at=at(day, 11, 40),
            what_happened=what,
            who_involved=f"{placement.learner.first_name}; one other learner; two provider staff",
            immediate_action="Staff calmed the situation and phoned the school; parent told the same day.",
            physical_intervention=False,
            reported_at=at(day, 12, 15),
            reported_by_name=placement.provider.lead_contact_name,
            decision=DECISION if decided else "",
            decided_by=pastoral if decided else None,
            decided_with=slt if decided else None,
            decided_at=at(day + timedelta(days=1), 14) if decided else None,
        )


def concern_pages_installed() -> bool:
    """raise_concern links the DSL's flag to the concern's page; without that page there is no concern."""
    try:
        reverse("monitoring:concern_detail", args=[1])
    except NoReverseMatch:
        return False
    return True


def seed_concern(placement: Placement, *, raised_by, dsl, today: date) -> SafeguardingConcern | None:
    if not concern_pages_installed():
        return None
    raised_on = weekday_on_or_before(today - timedelta(days=6))
    concern = SafeguardingConcern.objects.filter(learner=placement.learner).order_by("pk").first()
    if concern is None:
        concern = raise_concern(
            learner=placement.learner,
            placement=placement,
            detail=CONCERN_DETAIL,
            source=ConcernSource.STAFF,
            raised_by=raised_by,
            now=at(raised_on, 15, 20),
        )
    if not concern.entries.exists():
        ConcernEntry.objects.bulk_create(
            [
                ConcernEntry(
                    concern=concern,
                    kind=EntryKind.DECISION,
                    happened_on=raised_on,
                    by=dsl,
                    what="Spoke with the learner and the provider's DSL; body map completed.",
                    why="Bruising and a disclosure of money taken: the threshold for a conversation with "
                    "children's social care is met.",
                ),
                ConcernEntry(
                    concern=concern,
                    kind=EntryKind.REFERRAL,
                    happened_on=weekday_on_or_before(raised_on + timedelta(days=1)),
                    by=dsl,
                    what="Consultation with the local authority's front door; advice to refer to early help.",
                    why="No immediate risk at home; the concern is about another learner at the provider.",
                    referred_to="Children's social care (front door)",
                ),
            ]
        )
    return concern


def seed_meetings(placements: list[Placement], *, pastoral, slt, head, today: date) -> None:
    unsatisfactory, satisfactory = placements[6], placements[7]
    learner = unsatisfactory.learner.first_name
    plan = [
        (
            unsatisfactory,
            D(2026, 10, 14),
            MeetingOutcome.UNSATISFACTORY,
            [
                ActionPlan(
                    ActionSide.SCHOOL,
                    "Phone home every Monday about the week ahead",
                    D(2026, 10, 23),
                    owner=pastoral,
                ),
                ActionPlan(
                    ActionSide.PROVIDER,
                    "Send a weekly note of work completed",
                    D(2026, 10, 30),
                    owner_name=unsatisfactory.provider.lead_contact_name,
                ),
            ],
        ),
        (
            unsatisfactory,
            weekday_on_or_before(today - timedelta(days=5)),
            MeetingOutcome.UNSATISFACTORY,
            [
                ActionPlan(
                    ActionSide.SCHOOL,
                    "Arrange a taxi for Wednesday mornings",
                    weekday_on_or_before(today - timedelta(days=1)),
                    owner=slt,
                ),
                ActionPlan(
                    ActionSide.PROVIDER,
                    "Pair the learner with one mentor for every session",
                    today + timedelta(days=10),
                    owner_name=unsatisfactory.provider.lead_contact_name,
                ),
            ],
        ),
        (
            satisfactory,
            D(2026, 11, 18),
            MeetingOutcome.SATISFACTORY,
            [
                ActionPlan(
                    ActionSide.SCHOOL,
                    "Book the careers adviser for the spring term",
                    today + timedelta(days=21),
                    owner=pastoral,
                ),
            ],
        ),
    ]
    held = {p.pk: ReviewMeeting.objects.filter(placement=p).count() for p in (unsatisfactory, satisfactory)}
    for position, (placement, day, outcome, actions) in enumerate(plan):
        earlier = sum(1 for row in plan[:position] if row[0] == placement)
        if day > today or held[placement.pk] > earlier:
            continue
        good = outcome == MeetingOutcome.SATISFACTORY
        record_meeting(
            placement=placement,
            by=pastoral,
            held_on=day,
            attendees=f"{pastoral.get_full_name()} (pastoral lead), {slt.get_full_name()} (SLT), "
            f"parent/carer, {placement.learner.first_name}, "
            f"{placement.provider.lead_contact_name} ({placement.provider.name})",
            learner_attended=True,
            parents_attended=True,
            provider_attended=True,
            learner_views=f"{learner} says the mornings are hard and the bus is often late."
            if not good
            else "Enjoys the course and wants to go to college.",
            parent_views="Worried about the days missed; wants a call each week." if not good else "Pleased.",
            outcome=outcome,
            notes="" if good else "Attendance below the target agreed; progress in English stalled.",
            progress={
                target.pk: (
                    "Steady progress; on track." if good else "Little progress since the last review."
                )
                for target in placement.targets.all()
            },
            actions=actions,
            now=at(day, 16),
        )
    done = {
        "Phone home every Monday about the week ahead": "Calls made each Monday; parent now rings back.",
        "Send a weekly note of work completed": "Notes arrive each Friday by email.",
    }
    first = Action.objects.filter(meeting__placement=unsatisfactory, meeting__held_on=D(2026, 10, 14))
    for description, note in done.items():
        first.filter(description=description, done_on__isnull=True).update(
            done_on=D(2026, 10, 22), done_by=pastoral, done_note=note
        )


def seed_agreement_reviews(placements: list[Placement], *, by, today: date) -> None:
    """Most agreements reviewed on time; one falls due this week and one is overdue, to show both."""
    for i, placement in enumerate(placements):
        if i == 1:
            continue  # never reviewed: overdue
        weeks = timedelta(weeks=placement.review_frequency_weeks)
        held = today - weeks + timedelta(days=4) if i == 2 else today - weeks / 2
        day = weekday_on_or_before(held)
        start = placement.activated_on or placement.start_date
        if day < start or AgreementReview.objects.filter(placement=placement).exists():
            continue
        record_agreement_review(
            placement=placement,
            by=by,
            held_on=day,
            notes="Timetable, targets and transport reviewed with the provider; the Friday session stays.",
            changes_needed=False,
        )
