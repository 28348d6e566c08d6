"""daodao/html.py: long option lists built in one pass, escaped, with the selection kept."""

import pytest
from django import forms
from django.urls import reverse

from daodao.html import LongSelect, select_options


def test_select_options_escape_and_select():
    html = select_options([(1, "A&B"), (2, '<x>"'), ("3", "三")], selected="2")
    assert html == ('<option value="1">A&amp;B</option><option value="2" selected>&lt;x&gt;&quot;</option>'
                    '<option value="3">三</option>')


def test_long_select_renders_like_a_select():
    class F(forms.Form):
        pick = forms.ChoiceField(choices=[("", "---"), ("a", "<A>"), ("b", "B")], widget=LongSelect)

    html = str(F(initial={"pick": "b"})["pick"])
    assert html.startswith('<select name="pick"') and 'id="id_pick"' in html and "required" in html
    assert '<option value="b" selected>B</option>' in html and "&lt;A&gt;" in html
    bound = F({"pick": "zz"})
    assert not bound.is_valid() and "pick" in bound.errors


@pytest.mark.django_db
def test_plan_form_offers_the_officers_operating_venues_and_keeps_the_choice(client_for, users, venues):
    client = client_for(users["officer_a"])
    body = client.get(reverse("inspections:plan_new"), {"venue": venues["a"].pk}).content.decode()
    assert f'<option value="{venues["a"].pk}" selected>越城KTV</option>' in body
    assert f'<option value="{venues["a2"].pk}">' in body and f'value="{venues["b"].pk}"' not in body
    response = client.post(reverse("inspections:plan_new"), {"venue": venues["b"].pk, "type": "routine",
                                                              "planned_for": "2026-12-01"})
    assert response.status_code == 200 and "inspections/plan_form.html" in [t.name for t in response.templates]


@pytest.mark.django_db
def test_plan_form_searches_venues_by_name_past_a_few_hundred(client_for, users, venues, monkeypatch):
    from inspections import forms as inspection_forms
    from inspections.models import Inspection

    monkeypatch.setattr(inspection_forms, "VENUE_PICK_MAX", 1)
    client = client_for(users["officer_a"])
    body = client.get(reverse("inspections:plan_new")).content.decode()
    assert 'name="venue_name"' in body and f'value="{venues["a"].pk}"' not in body
    body = client.get(reverse("inspections:plan_new"), {"venue_name": "府山"}).content.decode()
    assert f'<option value="{venues["a2"].pk}">府山酒吧</option>' in body and f'value="{venues["a"].pk}"' not in body
    body = client.get(reverse("inspections:plan_new"), {"venue": venues["a"].pk}).content.decode()
    assert f'<option value="{venues["a"].pk}" selected>越城KTV</option>' in body
    body = client.get(reverse("inspections:plan_new"), {"venue_name": "柯桥"}).content.decode()  # another district
    assert f'value="{venues["b"].pk}"' not in body and "没有" in body
    response = client.post(reverse("inspections:plan_new"), {"venue": venues["a2"].pk, "type": "routine",
                                                              "planned_for": "2026-12-01"})
    assert response.status_code == 302 and Inspection.objects.filter(venue=venues["a2"]).exists()
