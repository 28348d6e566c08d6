from celery import shared_task

from .services import pledges_remind


@shared_task
def remind_pledges() -> dict[str, int]:
    return pledges_remind()
