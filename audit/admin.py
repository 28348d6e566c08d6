
from django.contrib import admin

from daodao.admin import SystemAdminReadOnly

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(SystemAdminReadOnly):
    """Read-only: admins read and filter the log; nobody adds, changes or deletes."""

    list_display = ["at", "actor_username", "action", "target_type", "target_repr", "ip"]
    list_filter = ["action", "target_type", "at"]
    search_fields = ["actor_username", "target_repr", "target_id", "ip"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    list_select_related = False
