from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    """Exports too large for one request, written by a background job with progress.

    An app higher up registers a kind (``exports.registry.export_kind``) with the function
    that builds its sheets for a user and parameters; the job runs it as that user, so the
    file holds exactly what the user's scope shows. Only the requester sees the job and
    downloads the file (404 for anyone else); the request and every download are audited;
    files are deleted after ``DAODAO_EXPORT_KEEP_DAYS``."""

    name = "exports"
    verbose_name = _("Exports")
