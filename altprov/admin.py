from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, School, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class AltprovUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["name", "urn", "trust", "attendance_target", "report_cutoff"]
    search_fields = ["name", "urn"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "school", "role"]
    list_filter = ["school", "role"]
    search_fields = ["user__username", "user__last_name"]
