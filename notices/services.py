from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mass_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import Notice


@dataclass(frozen=True)
class NoticeSpec:
    user_id: int
    dedupe_key: str
    kind: str
    title: str
    body: str = ""
    link: str = ""
    venue_id: int | None = None


def notices_send(*, specs: list[NoticeSpec], email: bool = True) -> int:
    """Create the notices not sent before (by user and key) and e-mail those users who have an address.

    1. Read which (user, key) pairs exist already (one query).
    2. Insert the rest in one bulk insert; the unique constraint stops a concurrent run
       (ignore_conflicts), so nothing is ever sent twice.
    3. E-mail only what this run inserted, through Django's mail backend, after commit.
    Returns how many notices were created.
    """
    if not specs:
        return 0

    users = {s.user_id for s in specs}
    keys = {s.dedupe_key for s in specs}
    existing = set(Notice.objects.filter(user_id__in=users, dedupe_key__in=keys).values_list("user_id", "dedupe_key"))
    fresh = {(s.user_id, s.dedupe_key): s for s in specs if (s.user_id, s.dedupe_key) not in existing}
    if not fresh:
        return 0
    with transaction.atomic():
        Notice.objects.bulk_create(
            [Notice(user_id=s.user_id, venue_id=s.venue_id, kind=s.kind, title=s.title[:200], body=s.body,
                    link=s.link, dedupe_key=s.dedupe_key[:120]) for s in fresh.values()],
            ignore_conflicts=True,
        )
        if email:
            addresses = dict(User.objects.filter(pk__in={u for u, _k in fresh}, is_active=True)
                             .exclude(email="").values_list("pk", "email"))
            messages = [(s.title, f"{s.body}\n\n{s.link}".strip(), settings.DEFAULT_FROM_EMAIL, [addresses[s.user_id]])
                        for s in fresh.values() if s.user_id in addresses]
            if messages:
                transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
                Notice.objects.filter(user_id__in=[u for u, _k in fresh if u in addresses],
                                      dedupe_key__in=[k for _u, k in fresh], emailed=False).update(emailed=True)
    return len(fresh)


# Pending e-mails older than this are not sent any more: news that late is no news.
OUTBOX_DAYS = 30


def notices_email_pending(*, kind: str, batch: int = 200) -> int:
    """The e-mail outbox for notices created with ``notices_send(..., email=False)``.

    1. Claim a batch of pending notices of ``kind`` (not e-mailed, user active with an
       address, created within OUTBOX_DAYS) with ``FOR UPDATE SKIP LOCKED``: two runs at
       once never send the same notice.
    2. Send each through Django's mail backend; mark the batch's sent ones e-mailed when the
       batch commits. Repeat until nothing is pending.
    3. On a mail failure, keep the marks of what went out, leave the rest pending for the
       next run, and re-raise so the job fails loudly.
    Returns how many e-mails were sent.
    """
    since = timezone.now() - timedelta(days=OUTBOX_DAYS)
    connection = get_connection(fail_silently=False)
    total = 0
    while True:
        sent: list[int] = []
        failure: Exception | None = None
        with transaction.atomic():
            pending = list(
                Notice.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(kind=kind, emailed=False, created_at__gte=since, user__is_active=True)
                .exclude(user__email="").select_related("user").order_by("id")[:batch]
            )
            for n in pending:
                try:
                    EmailMessage(n.title, f"{n.body}\n\n{n.link}".strip(), settings.DEFAULT_FROM_EMAIL,
                                 [n.user.email], connection=connection).send()
                except Exception as exc:  # any backend error: stop, keep what went out
                    failure = exc
                    break
                sent.append(n.pk)
            Notice.objects.filter(pk__in=sent).update(emailed=True)
        total += len(sent)
        if failure is not None:
            raise failure
        if len(pending) < batch:
            return total


def notice_mark_read(*, user_id: int, notice_id: int) -> None:
    Notice.objects.filter(pk=notice_id, user_id=user_id, read_at__isnull=True).update(read_at=timezone.now())


def notices_mark_all_read(*, user_id: int) -> int:
    return Notice.objects.filter(user_id=user_id, read_at__isnull=True).update(read_at=timezone.now())
