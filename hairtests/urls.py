from django.urls import path

from . import views

app_name = "hairtests"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("apply/<int:venue_pk>/", views.apply, name="apply"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("samples/<int:pk>/", views.sample, name="sample"),
    path("samples/<int:pk>/not-tested/", views.not_tested, name="not_tested"),
    path("samples/<int:pk>/result/", views.result, name="result"),
    path("results/<int:pk>/report/", views.report, name="report"),
]
