from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.guideline_list, name="guideline-list"),
    path("search/", views.search, name="search"),
    path("chapters/<int:pk>/read/", views.chapter_read, name="chapter-read"),
    path("guidelines/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
