"""The monthly retention review: records kept past their period, listed for the head to decide.

UK GDPR Article 5(1)(e) (storage limitation): personal data is kept no
longer than needed. The periods are a setting (settings.RETENTION, each
"to be confirmed with the data protection officer"); this module only
counts what has passed its period, per school and kind, raises one flag a
month for the school's head with the counts, and tells them. It never
deletes anything. A person disposes of a record through `dispose`, which
refuses child-protection records and keeps a disposal record (what, which,
who, when, why; never the content) in placements.DisposalRecord.

Idempotent: the flag's key is the school and the month, so a second run (or
two workers at once) raises and tells it once; a new month's flag resolves
the last one, as the new one carries the whole list again.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from altprov import flags
from altprov.models import Flag, Role, School
from altprov.notifications import Notice, staff_with_role
from placements.access_log import record_disposal

RETENTION_REVIEW = flags.register(
    flags.FlagKind(name="retention_review", label="Records due for a disposal review", roles=(Role.HEAD,))
)


class RetentionError(Exception):
    pass


@dataclass(frozen=True)
class RecordType:
    key: str
    label: str
    model: type[models.Model]
    counted_from: str
    years: int
    disposable: bool

    def cutoff(self, today: date) -> date:
        return years_before(today, self.years)

    def due(self, today: date) -> models.QuerySet:
        """Records of this kind whose period has passed by `today` (open-ended ones never are)."""
        cutoff = self.cutoff(today)
        if isinstance(_final_field(self.model, self.counted_from), models.DateTimeField):
            cutoff = timezone.make_aware(datetime.combine(cutoff, time.min))
        return self.model._default_manager.filter(**{f"{self.counted_from}__lt": cutoff})

    def school_path(self) -> str:
        names = {f.name for f in self.model._meta.concrete_fields}
        if "school" in names:
            return "school_id"
        return "placement__school_id" if "placement" in names else "learner__school_id"


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _final_field(model, path: str) -> models.Field:
    *hops, last = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    return model._meta.get_field(last)


def record_types() -> list[RecordType]:
    """settings.RETENTION, with the models looked up (read at call time, so tests may change it)."""
    return [
        RecordType(
            key=key,
            label=entry["label"],
            model=apps.get_model(entry["model"]),
            counted_from=entry["from"],
            years=entry["years"],
            disposable=entry.get("disposable", True),
        )
        for key, entry in settings.RETENTION.items()
    ]


@dataclass(frozen=True)
class Due:
    record_type: RecordType
    count: int


def due_for_review(*, today: date) -> dict[int, list[Due]]:
    """School id -> each kind of record with some past its period, and how many: one query per kind."""
    found: dict[int, list[Due]] = {}
    for record_type in record_types():
        path = record_type.school_path()
        rows = record_type.due(today).values(path).annotate(n=Count("pk")).order_by(path)
        for row in rows:
            found.setdefault(row[path], []).append(Due(record_type, row["n"]))
    return found


def _summary(dues: list[Due]) -> str:
    parts = [f"{d.count} {d.record_type.label}" for d in dues]
    never = [d.record_type.label for d in dues if not d.record_type.disposable]
    text = "Past their retention period: " + "; ".join(parts) + "."
    if never:
        text += " Never deleted by the app: the DSL reviews " + ", ".join(never) + "."
    return text


def retention_review(*, now: datetime | None = None) -> dict[str, int]:
    """Raise (once a month per school) the head's flag listing records due for a disposal review."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    month = f"{today:%Y-%m}"
    found = due_for_review(today=today)
    summary = {"schools": len(found), "raised": 0, "resolved": 0}
    with transaction.atomic():
        specs = [
            flags.FlagSpec(
                key=f"retention-review-{school_id}-{month}",
                school_id=school_id,
                summary=_summary(dues),
                url=reverse("monitoring:retention_review"),
            )
            for school_id, dues in found.items()
        ]
        raised = flags.raise_flags(RETENTION_REVIEW, specs, now=now)
        # A new month's review carries the whole list again: the last one is superseded.
        summary["resolved"] = flags.resolve(
            Flag.objects.filter(kind=RETENTION_REVIEW.name).exclude(key__endswith=f"-{month}"),
            reason=f"Superseded by the review of {today:%B %Y}",
            now=now,
        )
        schools = School.objects.in_bulk(found)
        tellings = []
        for key in sorted(raised.new):
            flag = raised.flags[key]
            school = schools[flag.school_id]
            tellings.append(
                flags.Telling(
                    flag=flag,
                    audience="the head teacher",
                    notice=Notice(
                        users=list(staff_with_role(school, Role.HEAD)),
                        school=school,
                        key=key,
                        subject="Records due for a disposal review",
                        template="monitoring/email/retention_review.txt",
                        context={"summary": flag.summary, "month": today},
                        url=flag.url,
                    ),
                )
            )
        flags.tell(tellings, now=now)
        summary["raised"] = len(raised.new)
    return summary


def dispose(*, record: models.Model, by, reason: str, now: datetime | None = None):
    """Delete a record whose period has passed, keeping a disposal record; child protection is refused."""
    now = now or timezone.now()
    label = record._meta.label_lower
    kinds = [t for t in record_types() if t.model._meta.label_lower == label]
    if not kinds:
        raise RetentionError("This kind of record has no retention period: it is not disposed of here.")
    kind = kinds[0]
    if not kind.disposable:
        raise RetentionError(
            "Child-protection records are never deleted by altprov: the DSL transfers or keeps them."
        )
    if not kind.due(timezone.localdate(now)).filter(pk=record.pk).exists():
        raise RetentionError(f"This record is within its retention period ({kind.years} years).")
    school_id = (
        kind.model._default_manager.filter(pk=record.pk).values_list(kind.school_path(), flat=True).get()
    )
    return record_disposal(record=record, school=school_id, by=by, reason=reason, now=now)


# What "counted from" means for each field settings.RETENTION counts from; anything else
# falls back to the field's own name.
COUNTED_FROM_WORDS = {
    "date": "the day of the record",
    "at": "the day of the contact",
    "date_of_birth": "the learner's date of birth",
    "end_date": "the day the placement ended",
    "visited_on": "the day of the visit",
    "due_date": "the day the review was due",
    "held_on": "the day of the meeting",
    "frozen_at": "the day it was signed",
    "placement__learner__date_of_birth": "the learner's date of birth",
    "learner__date_of_birth": "the learner's date of birth",
}

# Records with a page of their own but no get_absolute_url.
RECORD_PAGES = {
    "monitoring.visit": "monitoring:visit_detail",
    "monitoring.incident": "monitoring:incident_detail",
    "monitoring.safeguardingconcern": "monitoring:concern_detail",
}

REVIEW_LIMIT = 50


@dataclass(frozen=True)
class DueRecord:
    pk: int
    label: str
    day: date
    url: str


@dataclass(frozen=True)
class DueList:
    record_type: RecordType
    counted_from_words: str
    count: int
    records: list[DueRecord]


def _learner_path(model) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    if model._meta.label_lower == "placements.learner":
        return None
    if "learner" in names:
        return "learner"
    return "placement__learner" if "placement" in names else None


def _walk(record, path: str | None):
    for hop in path.split("__") if path else ():
        record = getattr(record, hop) if record is not None else None
    return record


def describe(record_type: RecordType, record) -> DueRecord:
    label_lower = record_type.model._meta.label_lower
    learner = _walk(record, _learner_path(record_type.model)) or record
    day = _walk(record, record_type.counted_from)
    if isinstance(day, datetime):
        day = timezone.localdate(day)
    label = str(learner)
    if label_lower == "placements.placement":
        label = f"Placement of {learner} at {record.provider.name}"
    if label_lower in RECORD_PAGES:
        url = reverse(RECORD_PAGES[label_lower], args=[record.pk])
    elif hasattr(record, "get_absolute_url"):
        url = record.get_absolute_url()
    else:
        url = ""
    return DueRecord(pk=record.pk, label=label, day=day, url=url)


def due_records(*, school_id: int, today: date, limit: int = REVIEW_LIMIT) -> list[DueList]:
    """Each kind of record with some past its period at one school: how many, and the first `limit`.

    Two queries per kind, however many records are due.
    """
    found = []
    for record_type in record_types():
        due = record_type.due(today).filter(**{record_type.school_path(): school_id})
        count = due.count()
        if not count:
            continue
        related = [p for p in (_learner_path(record_type.model),) if p]
        if record_type.model._meta.label_lower == "placements.placement":
            related.append("provider")
        rows = due.select_related(*related).order_by(record_type.counted_from, "pk")[:limit]
        found.append(
            DueList(
                record_type=record_type,
                counted_from_words=COUNTED_FROM_WORDS.get(
                    record_type.counted_from,
                    str(_final_field(record_type.model, record_type.counted_from).verbose_name),
                ),
                count=count,
                records=[describe(record_type, row) for row in rows],
            )
        )
    return found


def school_record(*, key: str, pk: int, school_id: int):
    """The kind `key` and its record `pk` at the school, due or not (record None if not the school's)."""
    kinds = {t.key: t for t in record_types()}
    record_type = kinds.get(key)
    if record_type is None:
        return None, None
    related = [p for p in (_learner_path(record_type.model),) if p]
    record = (
        record_type.model._default_manager.filter(**{record_type.school_path(): school_id}, pk=pk)
        .select_related(*related)
        .first()
    )
    return record_type, record
