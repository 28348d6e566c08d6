from celery import shared_task

from .services import training_check


@shared_task
def check_training() -> dict[str, int]:
    return training_check()
