from django.urls import path

from golive.accounts import api_token_views, views

app_name = "account"
urlpatterns = [
    path("", views.account, name="home"),
    path("second-factor/set-up/", views.set_up, name="second_factor_set_up"),
    path("second-factor/verify/", views.verify, name="second_factor_verify"),
    path("second-factor/remove/", views.remove, name="second_factor_remove"),
]
urlpatterns += [
    path("api-tokens/", api_token_views.api_tokens_page, name="api_tokens"),
    path("api-tokens/new/", api_token_views.api_token_new, name="api_token_new"),
    path(
        "api-tokens/<int:token_id>/revoke/",
        api_token_views.api_token_revoke,
        name="api_token_revoke",
    ),
]
