"""The alert kinds the sign-in detector raises (one definition; the detector and the dismissal rules import it)."""

KIND_SIGNIN = "signin_count"
KIND_HEADCOUNT = "signin_headcount"
