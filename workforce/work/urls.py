from django.urls import path

from . import views

app_name = "work"
urlpatterns = [
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
]
