from django.urls import include, path


def explode(request):
    raise RuntimeError("secret internals: the payroll table")


urlpatterns = [path("explode/", explode), path("", include("workforce.urls"))]
