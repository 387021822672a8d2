"""Local-authority-scale demo data: this app's part is the registers. Every expected session
before today has a mark (each learner attends at their own rate), then the figures' weekly
summary is built once.
"""

import random
from datetime import timedelta

from django.utils import timezone

from altprov.demo_scale import Scale
from placements.models import Placement
from placements.schedule import expected_sessions

from .models import AttendanceMark, MarkStatus, Source
from .summary import rebuild_summary

CHUNK = 200  # placements at a time: their expected sessions fit in memory
BATCH = 5000
ABSENCES = ["N", "I", "O", "M", "C", "E"]
ABSENCE_WEIGHTS = [3, 4, 3, 1, 1, 1]


def seed(scale: Scale) -> None:
    rng = random.Random(2027)
    today = timezone.localdate()
    ids = [pk for year in scale.shared["placements"] for pk in year]
    stored = 0
    for i in range(0, len(ids), CHUNK):
        chunk = Placement.objects.filter(pk__in=ids[i : i + CHUNK])
        schools = dict(chunk.values_list("pk", "school_id"))
        rates = {pk: rng.choice([0.99, 0.96, 0.93, 0.9, 0.85, 0.7, 0.45]) for pk in schools}
        first = min(chunk.values_list("start_date", flat=True))
        marks = []
        for e in expected_sessions(first, today - timedelta(days=1), placements=chunk):
            present = rng.random() < rates[e.placement_id]
            marks.append(
                AttendanceMark(
                    placement_id=e.placement_id,
                    school_id=schools[e.placement_id],
                    date=e.day,
                    session=e.session,
                    status=MarkStatus.PRESENT if present else MarkStatus.ABSENT,
                    code="B" if present else rng.choices(ABSENCES, ABSENCE_WEIGHTS)[0],
                    source=Source.PROVIDER_LINK,
                )
            )
        AttendanceMark.objects.bulk_create(marks, batch_size=BATCH)
        stored += len(marks)
    weeks = rebuild_summary()
    scale.report.append(f"{stored} attendance marks; attendance summary: {weeks} placement weeks")
