"""The venue list's star-tier, colour and sort filters, added to ``venues.filters.VenueFilter``
at start-up: they read ratings' current-standing table (one join, no per-row work)."""
from typing import Any

import django_filters
from django.utils.functional import lazy

from venues.filters import VenueFilter

from .models import COLOUR_LABEL, DESCENDING_LABEL, SORT_FIELDS, SORT_LABEL, TIER_LABEL, Colour, Tier


def _descending_now(label: Any) -> str:
    return str(DESCENDING_LABEL) % label


# django-filter formats the descending labels at import, in whatever language is active
# then; lazy ones follow the reader's language.
_descending = lazy(_descending_now, str)


def extend_venue_filter() -> None:
    VenueFilter.extend({
        "tier": django_filters.ChoiceFilter(label=TIER_LABEL, field_name="standing__tier", choices=Tier.choices),
        "colour": django_filters.ChoiceFilter(label=COLOUR_LABEL, field_name="standing__colour",
                                              choices=Colour.choices),
        "sort": django_filters.OrderingFilter(
            label=SORT_LABEL, fields=(("standing__tier", "tier"), ("standing__score", "score"),
                                      ("standing__colour", "colour"), ("name", "name")), field_labels={
                "standing__tier": SORT_FIELDS["tier"], "standing__score": SORT_FIELDS["score"],
                "standing__colour": SORT_FIELDS["colour"], "name": SORT_FIELDS["name"],
                **{f"-{key}": _descending(label) for key, label in SORT_FIELDS.items()}}),
    }, select_related="standing")
