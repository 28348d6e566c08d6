from django.contrib import admin

from daodao.admin import SystemAdminReadOnly

from .models import PledgeTemplate


@admin.register(PledgeTemplate)
class PledgeTemplateAdmin(SystemAdminReadOnly):
    """Versions are published from the pledge texts page; nobody edits a published text."""

    list_display = ["title", "kind", "version", "term_days", "published_at"]
    list_filter = ["kind"]
