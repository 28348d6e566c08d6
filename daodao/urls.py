from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from alerts import api as alerts_api
from appeals import api as appeals_api
from dashboard import views as dashboard_views
from hairtests import api as hairtests_api
from inspections import api as inspections_api
from outreach import api as outreach_api
from pledges import views as pledges_views
from ratings import api as ratings_api
from ratings import views as ratings_views
from staff import api as staff_api
from staff import views as staff_views
from training import api as training_api
from training import views as training_views
from venues import api as venues_api

from . import uploads
from .admin import scope_registered_admins
from .api import ApiDocsView, TokenView

router = DefaultRouter()
router.register("venues", venues_api.VenueViewSet, basename="venue")
router.register("alerts", alerts_api.AlertViewSet, basename="alert")
router.register("signins", staff_api.SignInViewSet, basename="signin")
router.register("inspections", inspections_api.InspectionViewSet, basename="inspection")
router.register("rectifications", inspections_api.RectificationViewSet, basename="rectification")
router.register("ratings", ratings_api.RatingViewSet, basename="rating")
router.register("supervision/due", ratings_api.DueViewSet, basename="supervision-due")
router.register("hairtests/rounds", hairtests_api.HairTestRoundViewSet, basename="hairtest-round")
router.register("hairtests/samples", hairtests_api.HairTestSampleViewSet, basename="hairtest-sample")
router.register("appeals", appeals_api.AppealViewSet, basename="appeal")
router.register("rating-replies", appeals_api.ReplyViewSet, basename="rating-reply")
router.register("revisits", appeals_api.RevisitViewSet, basename="revisit")
router.register("outreach-visits", outreach_api.OutreachVisitViewSet, basename="outreach-visit")

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("exams/papers/", training_api.PaperList.as_view(), name="api-exam-papers"),
    path("exams/attempts/", training_api.AttemptStart.as_view(), name="api-exam-start"),
    path("exams/attempts/<int:pk>/answers/", training_api.AttemptAnswers.as_view(), name="api-exam-answers"),
    *router.urls,
]

# Every ModelAdmin, including those of Django and third-party apps, answers a foreign id
# exactly like a missing one (daodao/admin.py).
scope_registered_admins()
admin.site.site_header = "DaoDao 到到"
admin.site.site_title = "DaoDao"

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("venues/", include("venues.urls")),
    path("reports/", include("reports.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("alerts/", include("alerts.urls")),
    path("inspections/", include("inspections.urls")),
    path("notices/", include("notices.urls")),
    path("pledges/", include("pledges.urls")),
    path("outreach/", include("outreach.urls")),
    path("hairtests/", include("hairtests.urls")),
    path("training/", include("training.urls")),
    path("staff/", include("staff.urls")),
    path("ratings/", include("ratings.urls")),
    path("appeals/", include("appeals.urls")),
    path("exports/", include("exports.urls")),
    # The rating plaque's QR code: public, shows only name, star level and validity.
    path("r/<str:token>/", ratings_views.plaque_public, name="rating_plaque_public"),
    # The venue poster's QR code: public, reached by employees without an account.
    path("s/<str:token>/", staff_views.signin_page, name="signin"),
    path("s/<str:token>/pledge/", pledges_views.employee_sign, name="employee_pledge"),
    path("s/<str:token>/exam/", training_views.employee_exam, name="employee_exam"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

# The API answers its errors in JSON, also for URLs that match no route.
handler400 = "daodao.api.bad_request"
handler403 = "daodao.api.forbidden"
handler404 = "daodao.api.not_found"
handler500 = "daodao.api.server_error"

# Uploaded files: login required, never a public directory (see daodao/uploads.py).
urlpatterns.append(path(settings.MEDIA_URL.strip("/") + "/<path:path>", uploads.media, name="media"))
