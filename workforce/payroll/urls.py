from django.urls import path

from . import import_views, views

app_name = "payroll"
urlpatterns = [
    path("", views.home, name="home"),
    path("runs/new/", views.run_add, name="run-add"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/calculate/", views.run_calculate, name="run-calculate"),
    path("runs/<int:pk>/approve/", views.run_approve, name="run-approve"),
    path("runs/<int:pk>/paid/", views.run_paid, name="run-paid"),
    path("runs/<int:pk>/delete/", views.run_delete, name="run-delete"),
    path("runs/<int:pk>/payslips/", views.run_payslips, name="run-payslips"),
    path("runs/<int:pk>/bank-<str:currency>.csv", views.run_bank_file, name="run-bank-file"),
    path("runs/<int:pk>/register.xlsx", views.run_register_xlsx, name="run-register-xlsx"),
    path("runs/<int:pk>/register.pdf", views.run_register_pdf, name="run-register-pdf"),
    path("runs/<int:pk>/compare/", views.run_compare, name="run-compare"),
    path("runs/<int:pk>/payslips.zip/make/", views.run_zip_start, name="run-zip-start"),
    path("runs/<int:pk>/payslips.zip", views.run_zip, name="run-zip"),
    path("payslips/<int:pk>/", views.payslip_detail, name="payslip-detail"),
    path("payslips/<int:pk>/pdf/", views.payslip_pdf, name="payslip-pdf"),
    path("mine/", views.my_pay, name="my-pay"),
    path("workers/<int:pk>/", views.worker_pay, name="worker-pay"),
    path("teams/", views.team_pay, name="team-pay"),
    path("leavers/", views.leavers, name="leavers"),
    path("adjustments/new/", views.adjustment_add, name="adjustment-add"),
    path("workers/import/", import_views.import_upload, name="workforce-import"),
    path("workers/import/<int:pk>/", import_views.import_detail, name="workforce-import-detail"),
    path("workers/import/<int:pk>/run/", import_views.import_run, name="workforce-import-run"),
    path("schemes/", views.scheme_list, name="scheme-list"),
    path("schemes/new/", views.scheme_add, name="scheme-add"),
    path("schemes/<int:pk>/versions/new/", views.version_add, name="version-add"),
    path("schemes/<int:pk>/assign/", views.scheme_assign, name="scheme-assign"),
]
