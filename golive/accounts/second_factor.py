"""Second factor (TOTP, with one-time recovery codes) for local password sign-in.

Who must have one: superusers and staff, administrators, and anyone holding a role for a
whole programme (a grant with no site or area scope), since those reach every ward's data.
Anyone else signing in with a password may enrol from their account page.

The rule keys off how the session was authenticated: the password sign-in view marks the
session (``PASSWORD_SIGN_IN_KEY``) and such a session must be verified with a device, if the
user has one, or must set one up, if the user is required to. Single sign-on sessions are
never asked: the identity provider does multi-factor authentication. Sessions started any
other way (only ``Client.force_login`` in tests) are not marked.
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from binascii import unhexlify
from typing import TYPE_CHECKING

import segno
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from golive.access import Access, access_for
from golive.models import Role

if TYPE_CHECKING:
    from django.http import HttpRequest

    from golive.models import User

PASSWORD_SIGN_IN_KEY = "golive_password_sign_in"  # noqa: S105 - a session key, not a secret
SETUP_KEY_SESSION_KEY = "golive_totp_setup_key"
SINGLE_SIGN_ON_BACKEND = "golive.oidc.GoliveOIDCBackend"
RECOVERY_CODE_COUNT = 10
VERIFY = "verify"
SET_UP = "set_up"


def is_single_sign_on(request: HttpRequest) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) == SINGLE_SIGN_ON_BACKEND


def is_required(request: HttpRequest) -> bool:
    """Whether the signed-in user must use a second factor when signing in with a password."""
    return must_use_second_factor(access_for(request))


def must_use_second_factor(access: Access) -> bool:
    """The rule, for any user: whose roles reach every ward (or the admin) needs one."""
    return bool(
        access.is_superuser
        or getattr(access.user, "is_staff", False)
        or Role.ADMINISTRATOR in access.roles
        or access.holds_programme_wide_grant
    )


def authenticator(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_confirmed_device(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticDevice.objects.filter(user=user, confirmed=True).exists()
    )


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def outstanding(request: HttpRequest) -> str | None:
    """What this session must still do before anything else: ``VERIFY``, ``SET_UP`` or
    nothing (None)."""
    user = request.user
    if not user.is_authenticated or not request.session.get(PASSWORD_SIGN_IN_KEY):
        return None
    if getattr(user, "is_verified", lambda: False)():
        return None
    if has_confirmed_device(user):
        return VERIFY
    return SET_UP if is_required(request) else None


def setup_key(request: HttpRequest) -> str:
    """The hex secret being enrolled, kept in the (server-side) session until confirmed, so
    showing the set-up page writes nothing to the database."""
    key = request.session.get(SETUP_KEY_SESSION_KEY)
    if not isinstance(key, str):
        key = secrets.token_hex(20)
        request.session[SETUP_KEY_SESSION_KEY] = key
    return key


def manual_entry_secret(key: str) -> str:
    """The secret in base32, in groups of four, as authenticator apps ask for it."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def config_url(user: User, key: str) -> str:
    return TOTPDevice(user=user, key=key).config_url


def qr_code_svg(url: str) -> SafeString:
    """The enrolment URL as an inline SVG QR code: no image file, no external service."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=4, title="QR code to scan")
    # segno's markup holds only the encoded URL's modules; role="img" names it for readers.
    return mark_safe(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # noqa: S308


def _matching_step(key: str, code: str) -> int | None:
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(unhexlify(key))
    return totp.t() if totp.verify(int(code), tolerance=1) else None


@transaction.atomic
def enrol(*, request: HttpRequest, code: str) -> list[str] | None:
    """Confirm the authenticator being set up with a code from it: replaces the user's
    authenticator and recovery codes, marks the session verified and returns the new
    recovery codes; None (nothing changed) if the code is wrong."""
    key = setup_key(request)
    step = _matching_step(key, code)
    if step is None:
        return None
    user = request.user
    remove_devices(user)  # type: ignore[arg-type]
    device = TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=key, confirmed=True, last_t=step
    )
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    del request.session[SETUP_KEY_SESSION_KEY]
    otp_login(request, device)
    return codes


def verify(*, request: HttpRequest, code: str) -> bool:
    """Check a code from the authenticator, or a one-time recovery code, and mark the session
    verified. Each device throttles wrong codes (django-otp's growing delay) and refuses a
    code already used."""
    user = request.user
    code = code.replace(" ", "").lower()
    # Six digits are the authenticator's; anything else a recovery code. Only the matching
    # kind is tried, so a recovery code does not count as a wrong code against the app.
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        devices = model.objects.select_for_update().filter(user=user, confirmed=True)
        device = next((d for d in devices if d.verify_token(code)), None)
    if device is None:
        return False
    # A new session key once the second factor is proved, as at sign-in.
    request.session.cycle_key()
    otp_login(request, device)
    return True


def remove_devices(user: User) -> int:
    """Remove the user's authenticator and recovery codes; returns how many were removed.
    Sessions verified by them stop counting as verified (django-otp checks the device)."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    static, _ = StaticDevice.objects.filter(user=user).delete()
    return removed + static


def mark_password_sign_in(request: HttpRequest) -> None:
    request.session[PASSWORD_SIGN_IN_KEY] = True
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


def local_login_allowed_for(user: User | None) -> bool:
    """With local password sign-in turned off, only a superuser who has a second factor may
    sign in with a password (break-glass, when single sign-on is down)."""
    if settings.LOCAL_LOGIN:
        return True
    return bool(user is not None and user.is_superuser and has_confirmed_device(user))
