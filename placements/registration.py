"""DfE registration guard for unregistered (non-school) providers.

A setting that teaches five or more pupils full-time, or one who is
looked-after or has an EHC plan, must register as an independent school;
DfE treats over 18 hours a week as full-time. The duty falls on the setting,
but a school sees only its own learners: each count here is of the viewing
school's placements, so one school's page never reveals another's learners.
"""

from datetime import date

from django.utils import timezone

from altprov.models import School

from .models import Placement, Provider, SenStatus
from .models.placements import REGISTRATION_FULL_TIME_HOURS, REGISTRATION_FULL_TIME_LEARNERS


def provider_registration_warnings(
    provider: Provider, *, school: School, sees_needs: bool, on: date | None = None
) -> list[str]:
    """The warnings for `school`'s own placements there: no count includes another school's learners.

    With `sees_needs` False (a role that may not see learners' needs) the
    looked-after and EHC plan rule is said as a check for the head teacher.
    """
    if not provider.is_non_school:
        return []
    on = on or timezone.localdate()
    active = (
        Placement.objects.filter(provider=provider, school=school)
        .active(on=on)
        .select_related("learner")
        .with_timetables()
    )
    full_time = [p for p in active if p.weekly_hours_on(on) > REGISTRATION_FULL_TIME_HOURS]
    warnings = []
    if len(full_time) >= REGISTRATION_FULL_TIME_LEARNERS:
        warnings.append(
            f"{len(full_time)} learners from {school} are placed here full-time (over 18 hours a week). An "
            "unregistered setting teaching five or more pupils full-time must be a registered school."
        )
    vulnerable = [p for p in full_time if p.learner.looked_after or p.learner.sen_status == SenStatus.EHCP]
    if vulnerable and not sees_needs:
        warnings.append("A placement here needs a check by the head teacher.")
    elif vulnerable:
        warnings.append(
            f"{len(vulnerable)} learner(s) from {school} placed here full-time are looked-after or have an "
            "EHC plan. An unregistered setting teaching such a pupil full-time must be a registered school."
        )
    return warnings
