from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models
from .models.timetables import SESSION_FIELDS


class ContactInline(admin.TabularInline):
    model = models.Contact
    extra = 0


class SiteInline(admin.TabularInline):
    model = models.ProviderSite
    extra = 0


class TargetInline(admin.TabularInline):
    model = models.PlacementTarget
    extra = 0


class TimetableInline(admin.TabularInline):
    """Shown, not edited: a change goes through the placement form, which keeps past days as they were."""

    model = models.PlacementTimetable
    extra = 0
    can_delete = False
    readonly_fields = ["effective_from", *SESSION_FIELDS, "created_by", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Learner)
class LearnerAdmin(SimpleHistoryAdmin):
    list_display = ["legal_last_name", "legal_first_name", "upn", "school", "year_group"]
    list_filter = ["school", "year_group", "sen_status"]
    search_fields = ["legal_last_name", "legal_first_name", "upn"]
    inlines = [ContactInline]


@admin.register(models.Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "registration_category", "urn", "ukprn", "team_teach_trained"]
    search_fields = ["name"]
    inlines = [SiteInline]


@admin.register(models.Placement)
class PlacementAdmin(SimpleHistoryAdmin):
    list_display = ["learner", "provider", "school", "status", "start_date"]
    list_filter = ["school", "status"]
    raw_id_fields = ["learner"]
    # The lifecycle verbs check every rule before a status changes (Placement.activate and the rest).
    readonly_fields = ["status"]
    inlines = [TargetInline, TimetableInline]


@admin.register(models.EvidenceType)
class EvidenceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "mandatory", "needs_policy_version", "order"]
    list_editable = ["mandatory", "order"]


for model in [
    models.EvidenceItem,
    models.ProviderApproval,
    models.ProviderReview,
    models.ProviderClosure,
    models.SchoolClosure,
    models.Term,
]:
    admin.site.register(model, SimpleHistoryAdmin)


class AppendOnlyAdmin(admin.ModelAdmin):
    """Read-only: the access log and the disposal log only grow (placements.models.access_log)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.AccessLog)
class AccessLogAdmin(AppendOnlyAdmin):
    list_display = ["at", "user", "what", "learner", "school"]
    list_filter = ["school", "what"]
    raw_id_fields = ["learner", "user"]


@admin.register(models.DisposalRecord)
class DisposalRecordAdmin(AppendOnlyAdmin):
    list_display = ["at", "record_type", "record_id", "by", "school"]
    list_filter = ["school", "record_type"]
