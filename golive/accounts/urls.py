from django.urls import path

from golive.accounts import views

app_name = "account"
urlpatterns = [
    path("", views.account, name="home"),
    path("second-factor/set-up/", views.set_up, name="second_factor_set_up"),
    path("second-factor/verify/", views.verify, name="second_factor_verify"),
    path("second-factor/remove/", views.remove, name="second_factor_remove"),
]
