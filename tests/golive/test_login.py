from __future__ import annotations

from django.test import Client

from tests.conftest import Trust


def test_user_signs_in_with_username_and_password(client: Client, trust: Trust) -> None:
    # A ward manager: a programme manager also needs a second factor (test_second_factor.py).
    response = client.post(
        "/accounts/login/", {"username": "wm", "password": "correct-horse-battery"}
    )

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_re_renders_the_form_with_an_error(client: Client, trust: Trust) -> None:
    response = client.post("/accounts/login/", {"username": "pm", "password": "wrong"})

    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(
    client: Client, trust: Trust, settings: object
) -> None:
    for _ in range(5):
        client.post("/accounts/login/", {"username": "pm", "password": "wrong"})

    response = client.post(
        "/accounts/login/", {"username": "pm", "password": "correct-horse-battery"}
    )

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_for_one_user_do_not_lock_out_another(client: Client, trust: Trust) -> None:
    for _ in range(5):
        client.post("/accounts/login/", {"username": "pm", "password": "wrong"})

    response = client.post(
        "/accounts/login/", {"username": "wm", "password": "correct-horse-battery"}
    )

    assert response.status_code == 302


def test_sign_out_ends_the_session(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    client.post("/accounts/logout/")

    assert client.get("/").status_code == 302


def test_login_page_offers_no_sso_button_when_sso_is_not_configured(
    client: Client, db: None
) -> None:
    body = client.get("/accounts/login/").content.decode()

    assert "Sign in with your organisation account" not in body
