"""What each role may do, in the school of the record.

Permissions follow the role held at the school a record belongs to, never a
global flag. DESIGN.md "Who uses it" and the policy's "Responsibilities"
section are the source; README.md documents the resulting matrix.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import Role

HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD = (
    Role.HEAD,
    Role.SLT,
    Role.PASTORAL,
    Role.DSL,
    Role.SENDCO,
    Role.ADMIN,
    Role.EXAMS,
    Role.FINANCE,
    Role.BOARD,
)
SCHOOL_STAFF = frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE})

PERMISSIONS: dict[str, frozenset[str]] = {
    # Learners: every member of staff who works with AP learners.
    "learner.view": frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS}),
    "learner.edit": frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN}),
    # KCSIE: child-protection information is DSL-controlled; the head sees it too.
    "learner.safeguarding": frozenset({HEAD, DSL}),
    # Learner passport / SEN support: those who plan and monitor the support.
    "learner.passport.view": frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO}),
    "learner.passport.edit": frozenset({HEAD, SENDCO}),
    # Policy: the exams officer provides attainment data at transition.
    "learner.attainment.edit": frozenset({HEAD, SLT, EXAMS}),
    "provider.view": SCHOOL_STAFF | {BOARD},
    "provider.edit": frozenset({HEAD, SLT, DSL}),
    "provider.evidence": frozenset({HEAD, SLT, DSL}),
    # Policy: the DSL ensures the provider is registered and approved.
    "provider.approve": frozenset({DSL}),
    # Policy: SLT continually assess the quality and suitability of providers.
    "provider.review": frozenset({HEAD, SLT}),
    "calendar.view": SCHOOL_STAFF,
    "calendar.edit": frozenset({HEAD, SLT, ADMIN}),
    "placement.view": SCHOOL_STAFF | {BOARD},
    "placement.edit": frozenset({HEAD, SLT, PASTORAL}),
    "placement.meeting": frozenset({HEAD, SLT, PASTORAL}),
    # Approving, activating, ending and appointing visiting staff: SLT and head.
    "placement.decide": frozenset({HEAD, SLT}),
    # The agreement and the parent/carer contract (policy, "Referral Process"): prepared by
    # those who run placements; signed for the school by the head teacher (DESIGN.md
    # "Who uses it"); the standard wording is SLT's. Every placement.view role reads them.
    "agreement.edit": frozenset({HEAD, SLT, PASTORAL}),
    "agreement.sign": frozenset({HEAD}),
    "agreement.template": frozenset({HEAD, SLT}),
    "placement.cost.view": frozenset({HEAD, SLT, FINANCE, BOARD}),
    # Policy: payments as authorised by the head teacher (budget holder).
    "placement.cost.authorise": frozenset({HEAD}),
    "history.view": frozenset({HEAD, SLT, DSL}),
    # ASVS V8.3.5 and UK GDPR accountability: who opened a learner's record,
    # and everything held about one learner (a subject access request), are
    # for the head and the DSL.
    "accesslog.view": frozenset({HEAD, DSL}),
    "learner.subject_access": frozenset({HEAD, DSL}),
    # UK GDPR Article 5(1)(e): the head decides which records past their retention period go.
    "retention.review": frozenset({HEAD}),
    # The school's record: contact details, DSL, attendance target and report times.
    "school.settings": frozenset({HEAD, SLT}),
    # Attendance: the admin assistant's day (policy: monitor attendance each
    # day the learner is expected; updates to the pastoral lead).
    "attendance.view": frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN}),
    "attendance.record": frozenset({HEAD, SLT, PASTORAL, DSL, ADMIN}),
    # Contact with parents/carers about attendance: admin makes the first call.
    "attendance.contact": frozenset({HEAD, SLT, PASTORAL, DSL, ADMIN}),
    # Policy: the pastoral team arranges interventions below the school's target.
    "attendance.intervene": frozenset({HEAD, SLT, PASTORAL, DSL}),
    "attendance.export": frozenset({HEAD, SLT, ADMIN}),
    # Monitoring (policy: "Monitoring Academic Progress, Behaviour and Pastoral
    # Welfare"). Visits, termly reviews, incidents and review meetings are read
    # by those who plan and monitor a learner's support.
    "monitoring.view": frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO}),
    # The visit proforma: the pastoral team and the visiting staff SLT appoint.
    "monitoring.visit": frozenset({HEAD, SLT, PASTORAL, DSL}),
    # SLT see everyone's visits and decide on ceasing after unsatisfactory reviews.
    "monitoring.oversee": frozenset({HEAD, SLT}),
    # A school response to a provider's termly review; requesting one again.
    "monitoring.review": frozenset({HEAD, SLT, PASTORAL}),
    # Any member of staff who learns of a serious incident reports it.
    "incident.report": frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS}),
    # Policy: the pastoral team, with SLT, decide the course of action.
    "incident.decide": frozenset({HEAD, SLT, PASTORAL}),
    # KCSIE: anyone may raise a concern; only the DSL (and the head) read the log.
    "concern.raise": SCHOOL_STAFF,
    "concern.read": frozenset({HEAD, DSL}),
    # A lost phone: the head teacher removes the second factor of staff at the school.
    "account.reset_mfa": frozenset({HEAD}),
}


def role_map(user) -> dict[int, frozenset[str]]:
    """School id -> roles held there, loaded once per request."""
    cached = getattr(user, "_altprov_roles", None)
    if cached is None:
        if not getattr(user, "is_authenticated", False):
            cached = {}
        else:
            found: dict[int, set[str]] = {}
            for school_id, role in user.memberships.values_list("school_id", "role"):
                found.setdefault(school_id, set()).add(role)
            cached = {school_id: frozenset(roles) for school_id, roles in found.items()}
        user._altprov_roles = cached
    return cached


def roles_at(user, school_id: int) -> frozenset[str]:
    return role_map(user).get(school_id, frozenset())


def has_perm(user, school_id: int | None, perm: str) -> bool:
    if school_id is None:
        return False
    return bool(roles_at(user, school_id) & PERMISSIONS[perm])


def school_ids(user, perm: str | None = None) -> list[int]:
    """The schools where the user may do `perm` (any school they belong to, if None)."""
    roles = role_map(user)
    if perm is None:
        return sorted(roles)
    allowed = PERMISSIONS[perm]
    return sorted(school_id for school_id, held in roles.items() if held & allowed)


def perms_at(user, school_id: int | None) -> frozenset[str]:
    held = roles_at(user, school_id) if school_id else frozenset()
    return frozenset(name for name, allowed in PERMISSIONS.items() if held & allowed)


def check_perm(user, school_id: int, perm: str) -> None:
    if not has_perm(user, school_id, perm):
        raise PermissionDenied


def require_perm(*perms: str) -> Callable:
    """Refuse a view (403) unless the user holds one of `perms` at the current school.

    The one permission check for views of the current school; views of one
    record check through the app's scoped lookups (placements.access,
    attendance.access), which answer 404 for another school's record.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            school = getattr(request, "school", None)
            if not any(has_perm(request.user, school.pk if school else None, perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
