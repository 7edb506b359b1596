from django.urls import URLPattern, path

from administration.copying import views

urlpatterns: list[URLPattern] = [
    path("go-lives/copy/", views.copy_go_live, name="copy_go_live"),
    path("go-lives/copies/<int:pk>/", views.go_live_copy, name="go_live_copy"),
]
