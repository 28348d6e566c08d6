from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """An in-app notice to one user (reminders to sign, rating results, …).

    ``dedupe_key`` makes sending idempotent: a job that runs twice, or two jobs at once,
    cannot notify the same user twice about the same thing (unique per user and key).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="notices")
    venue = models.ForeignKey("venues.Venue", verbose_name=_("venue"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "dedupe_key"], name="notice_once_per_user_key")]
        indexes = [
            # The unread list on every portal page.
            models.Index(fields=["user", "read_at"], name="notice_user_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title
