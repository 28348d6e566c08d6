"""The default rule set (seeded at the city level). Points are per unit; cap is the most
one rule can take off in one rating period (None = no cap).

Rationale: paperwork gaps cost little and are capped so they cannot sink a venue alone;
what an inspection finds costs more; a positive drug test or a case referral is designed
to drop a venue straight out of the star tiers (30 and 40 points, both uncapped).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

D = Decimal

DEFAULT_RULES: list[tuple[str, object, Decimal, Decimal | None]] = [
    ("venue_pledge_missing", _("Venue pledge missing"), D(5), D(5)),
    ("employee_pledge_missing", _("Active employee without a valid pledge (each)"), D(1), D(10)),
    ("working_before_training", _("Employee working while training is pending (each)"), D(2), D(10)),
    ("selfcheck_missed", _("Missed daily self-inspection (each day)"), D(1), D(15)),
    ("selfcheck_failed_unaddressed", _("Failed self-inspection item left unaddressed (each)"), D(2), D(10)),
    ("finding_low", _("Inspection finding, low severity (each)"), D(1), D(10)),
    ("finding_medium", _("Inspection finding, medium severity (each)"), D(3), D(15)),
    ("finding_high", _("Inspection finding, high severity (each)"), D(6), D(30)),
    ("rectification_closed_late", _("Rectification order closed late (each)"), D(3), D(15)),
    ("rectification_overdue", _("Rectification order still overdue (each)"), D(5), D(20)),
    ("signin_anomaly_confirmed", _("Sign-in anomaly alert confirmed by an officer (each)"), D(3), D(15)),
    ("drug_test_positive", _("Positive drug test at the venue (each)"), D(30), None),
    ("case_referral", _("Case referral (each)"), D(40), None),
    ("manual", _("Manual deduction or bonus by an officer"), D(1), None),
]
RULE_CODES = [r[0] for r in DEFAULT_RULES]
RULE_LABELS = {r[0]: r[1] for r in DEFAULT_RULES}
