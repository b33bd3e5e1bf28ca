"""DRF authentication by key: `Authorization: Token <key>` (or `Bearer <key>`).

A client key authenticates as the client's service user with `request.auth` the `ApiClient`;
a staff token as its user with `request.auth` the `StaffToken`. A wrong, revoked or expired key
is a 401, never a silent fall-back to anonymous.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .services import client_for_key, staff_token_for_key

SCHEMES = (b"token", b"bearer")


class KeyAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in SCHEMES:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give exactly one key after “Token”."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid key.")) from None
        client = client_for_key(key)
        if client is not None:
            return client.user, client
        token = staff_token_for_key(key)
        if token is not None:
            return token.user, token
        raise exceptions.AuthenticationFailed(_("Invalid, revoked or expired key."))

    def authenticate_header(self, request):
        return self.keyword
