from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from exams import views as exam_views
from workforce.people import views as people_views
from workforce.projects.api import api as project_api
from workforce.work.api import router as work_api

# One API for annotation tools: the work app adds its routes to the projects app's.
project_api.add_router("", work_api)

# Every login goes through allauth, so MFA and the login rate limits always apply: Django's
# and Wagtail's own login pages only send people there.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("workforce.shell.urls")),
    path("", include("workforce.demo.urls")),
    path("people/", include("workforce.people.urls")),
    path("training/", include("training.urls")),
    path("exams/", include("exams.urls")),
    path("recruitment/", include("workforce.recruitment.urls")),
    path("projects/", include("workforce.projects.urls")),
    path("attendance/", include("workforce.attendance.urls")),
    path("work/", include("workforce.work.urls")),
    path("payroll/", include("workforce.payroll.urls")),
    path("careers/", include("careers.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", project_api.urls),
    # Public: anyone holding a certificate's code checks it here (also from its QR code).
    re_path(
        r"^verify/(?P<code>[A-Za-z0-9]{1,40})/?$",
        exam_views.certificate_verify,
        name="certificate-verify",
    ),
    path("accounts/", include("allauth.urls")),
    # Django's switch, which also keeps a signed-in person's choice for their emails and PDFs.
    path("i18n/setlang/", people_views.language_switch, name="set_language"),
    path("admin/", admin.site.urls),
    path("cms/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Wagtail serves the public pages (guidelines, careers) under /pages/.
    path("pages/", include(wagtail_urls)),
]
