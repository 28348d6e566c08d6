"""Names for the employees an alert's evidence lists by employment id."""

from typing import Any

from django import template

from staff.models import Employment

register = template.Library()


@register.simple_tag
def untrained_employees(alert: Any) -> list[dict[str, Any]]:
    """The evidence stores employment ids (no personal data in an alert); officers read names.

    Only employments of the alert's own venue are looked up: the alert is already scoped to
    the reader, so its venue's employees are too.
    """
    rows = alert.evidence.get("employees") or []
    ids = [r["employment"] for r in rows if str(r.get("employment", "")).isdigit()]
    people = {e.pk: e for e in Employment.objects.filter(pk__in=ids, venue_id=alert.venue_id)
              .select_related("person")}
    return [{"employment": people[int(r["employment"])], "days": r.get("days")}
            for r in rows if str(r.get("employment", "")).isdigit() and int(r["employment"]) in people]
