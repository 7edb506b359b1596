from django.urls import path

from champions import views

app_name = "champions"
urlpatterns = [
    path("", views.home, name="home"),
    path("designations.<str:fmt>", views.designations_export, name="designations_export"),
    path("nominate/", views.nominate, name="nominate"),
    path("designations/<int:pk>/accept/", views.accept, name="accept"),
    path("designations/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("areas/<int:area_pk>/target/", views.target, name="target"),
    path("roster/", views.roster, name="roster"),
    path("roster.<str:fmt>", views.roster_export, name="roster_export"),
    path("roster/patterns/", views.add_pattern, name="add_pattern"),
    path("assignments/<int:pk>/cancel/", views.cancel_assignment, name="cancel_assignment"),
    path("coverage/", views.coverage, name="coverage"),
    path("shifts/<int:pk>/cell/", views.cell, name="cell"),
    path("shifts/<int:pk>/fill/", views.fill, name="fill"),
]
