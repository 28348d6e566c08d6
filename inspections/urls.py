from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.plan, name="plan"),
    path("export/", views.plan_export, name="plan_export"),
    path("rectifications/export/", views.board_export, name="board_export"),
    path("tasks/export/", views.tasks_export, name="tasks_export"),
    path("calendar/", views.month, name="calendar"),
    path("plan/", views.plan_new, name="plan_new"),
    path("record/", views.record, name="record_new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/record/", views.record, name="record"),
    path("<int:pk>/disclose/", views.disclose, name="disclose"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("findings/<int:pk>/order/", views.order_issue, name="order_issue"),
    path("findings/<int:pk>/address/", views.finding_address, name="finding_address"),
    path("self/<int:venue_pk>/", views.self_inspection, name="self"),
    path("rectifications/", views.board, name="board"),
    path("rectifications/<int:pk>/", views.order, name="order"),
    path("rectifications/<int:pk>/notice/", views.order_notice, name="order_notice"),
    path("rectifications/<int:pk>/<str:action>/", views.order_act, name="order_act"),
    path("tasks/", views.tasks, name="tasks"),
    path("interviews/new/", views.interview_new, name="interview_new"),
    path("interviews/<int:pk>/", views.interview, name="interview"),
    path("venues/<int:venue_pk>/sanction/", views.sanction, name="sanction"),
]
