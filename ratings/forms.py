from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daodao.dates import RECENT

from .models import RuleSet
from .rules import DEFAULT_RULES

SETTING_FIELDS = ["five_star_min", "four_star_min", "three_star_min", "yellow_from", "red_from",
                  "five_star_days", "four_star_days", "three_star_days", "non_star_days"]


class RuleSetForm(forms.Form):
    note = forms.CharField(label=_("Reason for the change"), max_length=200)

    def __init__(self, *args: Any, base: RuleSet | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = {r.code: r for r in base.rules.all()} if base else {}
        for name in SETTING_FIELDS:
            model_field = cast(models.Field, RuleSet._meta.get_field(name))
            initial = getattr(base, name) if base else model_field.default
            if name.endswith("_days"):
                self.fields[name] = forms.IntegerField(label=model_field.verbose_name, min_value=1, initial=initial)
            else:
                self.fields[name] = forms.DecimalField(label=model_field.verbose_name, min_value=Decimal("0.01"),
                                                       max_value=100, decimal_places=2, initial=initial)
        for code, label, points, cap in DEFAULT_RULES:
            r = rules.get(code)
            self.fields[f"points_{code}"] = forms.DecimalField(label=str(label), min_value=0, max_digits=6,
                                                               decimal_places=2, initial=r.points if r else points)
            self.fields[f"cap_{code}"] = forms.DecimalField(label=_("cap"), min_value=0, max_digits=6,
                                                            decimal_places=2, required=False,
                                                            initial=r.cap if r else cap)

    def rule_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(code, self[f"points_{code}"], self[f"cap_{code}"]) for code, *_rest in DEFAULT_RULES]

    def setting_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SETTING_FIELDS]

    def parsed(self) -> tuple[dict[str, object], dict[str, tuple[Decimal, Decimal | None]]]:
        data = self.cleaned_data
        return ({n: data[n] for n in SETTING_FIELDS},
                {code: (data[f"points_{code}"], data[f"cap_{code}"]) for code, *_rest in DEFAULT_RULES})


class AdjustmentForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                                  initial=timezone.localdate, validators=[RECENT])
    points = forms.DecimalField(label=_("Points (negative = bonus)"), max_digits=6, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
