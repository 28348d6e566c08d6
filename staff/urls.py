from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.employee_list, name="list"),
    path("export/", views.employee_export, name="export"),
    path("<int:pk>/", views.employee_detail, name="detail"),
    path("<int:pk>/edit/", views.employee_edit, name="edit"),
    path("<int:pk>/reveal/", views.employee_reveal, name="reveal"),
    path("<int:pk>/activate/", views.employee_activate, name="activate"),
    path("<int:pk>/end/", views.employee_end, name="end"),
    path("<int:pk>/transfers/<int:transfer_pk>/confirm/", views.transfer_confirm_view, name="transfer_confirm"),
    path("<int:pk>/transfers/<int:transfer_pk>/keep/", views.transfer_keep_view, name="transfer_keep"),
    path("<int:pk>/correct/", views.employee_correct, name="correct"),
    path("venue/<int:venue_pk>/new/", views.employee_new, name="new"),
    path("venue/<int:venue_pk>/import/", views.employee_import, name="import"),
    path("venue/<int:venue_pk>/import/template/", views.employee_import_template, name="import_template"),
    path("venue/<int:venue_pk>/signins/", views.venue_signins, name="venue_signins"),
    path("venue/<int:venue_pk>/reopen/", views.venue_reopen, name="venue_reopen"),
]
