"""django-axes as installed here: its admin section (the lockout records the association
reads) has a Chinese heading and model names. Axes ships no zh_Hans catalogue, so the
model names are translated in this app's catalogue; Django merges catalogues, so the
msgids below reach axes' own models."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

AXES_MODEL_NAMES = [
    gettext_noop("access attempt"), gettext_noop("access attempts"),
    gettext_noop("access failure"), gettext_noop("access failures"),
    gettext_noop("access log"), gettext_noop("access logs"),
    gettext_noop("access attempt expiration"), gettext_noop("access attempt expirations"),
]


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login lockouts")
