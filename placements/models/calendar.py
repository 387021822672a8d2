from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from altprov.models import School


class TermName(models.TextChoices):
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


class TermQuerySet(models.QuerySet):
    def for_school(self, school):
        return self.filter(school=school)

    def containing(self, day):
        return self.filter(start_date__lte=day, end_date__gte=day)

    def overlapping(self, start, end):
        return self.filter(start_date__lte=end, end_date__gte=start)


class Term(models.Model):
    """A term of a school year, with its half-term break."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    school_year = models.CharField(max_length=7, help_text="For example 2026/27.")
    name = models.CharField(max_length=10, choices=TermName.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    half_term_start = models.DateField(help_text="First weekday of the half-term break.")
    half_term_end = models.DateField(help_text="Last weekday of the half-term break.")
    history = HistoricalRecords()

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["school", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year", "name"], name="term_unique_per_year"),
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="term_end_after_start"),
            models.CheckConstraint(
                condition=Q(half_term_start__gt=F("start_date"))
                & Q(half_term_end__gte=F("half_term_start"))
                & Q(half_term_end__lt=F("end_date")),
                name="term_half_term_inside",
            ),
            models.CheckConstraint(
                condition=Q(school_year__regex=r"^\d{4}/\d{2}$"), name="term_school_year_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} {self.school_year}"

    def half_for(self, day) -> int | None:
        """1 or 2 for the half term `day` falls in; None in the break or outside."""
        if self.start_date <= day < self.half_term_start:
            return 1
        if self.half_term_end < day <= self.end_date:
            return 2
        return None


class ClosureKind(models.TextChoices):
    INSET = "inset", "INSET day"
    BANK_HOLIDAY = "bank_holiday", "Bank holiday"
    OTHER = "other", "Other closure"


class SchoolClosure(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=ClosureKind.choices)
    description = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["school", "date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="school_closure_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"


class ProviderClosure(models.Model):
    """Days a provider is closed for one school's learners.

    Per school, so that one school (or a provider on one school's link)
    can never silence another school's expected sessions and alarms.
    """

    provider = models.ForeignKey("placements.Provider", on_delete=models.CASCADE, related_name="closures")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="provider_closures")
    start_date = models.DateField()
    end_date = models.DateField()
    reason = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="provider_closure_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} closed {self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y}"
