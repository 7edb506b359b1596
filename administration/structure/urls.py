from django.urls import URLPattern, path

from administration.structure import views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("sites/", views.sites, name="sites"),
    path("sites/new/", views.site_form, name="site_new"),
    path("sites/<int:pk>/edit/", views.site_form, name="site_edit"),
    path("areas/", views.areas, name="areas"),
    path("areas/new/", views.area_form, name="area_new"),
    path("areas/import/", views.areas_import, name="areas_import"),
    path("areas/import/confirm/", views.areas_import_confirm, name="areas_import_confirm"),
    path("areas/<int:pk>/edit/", views.area_form, name="area_edit"),
    path("areas/<int:pk>/retire/", views.area_retire, name="area_retire"),
    path("areas/<int:pk>/reinstate/", views.area_reinstate, name="area_reinstate"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("go-lives/", views.go_lives, name="go_lives"),
    path("go-lives/new/", views.go_live_form, name="go_live_new"),
    path("go-lives/<int:pk>/", views.go_live, name="go_live"),
    path("go-lives/<int:pk>/edit/", views.go_live_form, name="go_live_edit"),
    path("go-lives/<int:pk>/releases/new/", views.release_new, name="release_new"),
    path("releases/<int:pk>/edit/", views.release_edit, name="release_edit"),
    path("releases/<int:pk>/delete/", views.release_delete, name="release_delete"),
]
