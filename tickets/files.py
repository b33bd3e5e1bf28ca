"""Handing out attachments (DESIGN.md §7: files only through views that apply the caller's scope).

No attachment has a public address: MEDIA_URL is never served. Each kind of caller has a view
that finds the attachment within its own scope and then calls `response()`:

- staff: the admin's `tickets/ticket/<id>/attachment/<id>/`, within
  `selectors.ticket_list_for(user)`;
- an API caller with a key: `GET /api/v1/tickets/<number>/attachments/<id>/`, within
  `api.scope.tickets_for` (a client: only photos shown to the resident);
- the resident: `/track/<number>/photos/<id>/`, for the ticket looked up in this browser
  session, photos shown to the resident;
- anyone holding a signed link: `/files/<kind>/<token>`, for what the link was issued for,
  re-checked at each download (below).

Signed links (django.core.signing, time-stamped) serve callers that cannot send credentials:
an app showing photos from API JSON gets `api` links (issued after the scope check, valid
`PORTAL_FILE_LINK_SECONDS`; a client's link stops working when the photo is no longer shown to
the resident), and Open311's media_urls are `public` links (valid
`PORTAL_PUBLIC_FILE_LINK_SECONDS`; they stop working when the photo is unpublished). A link
holds the attachment's id under a signature: a guessed or altered one is a 404.

`PORTAL_FILES_SERVE` chooses who sends the bytes: Django ("stream"), or the web server from an
internal location after the view said yes ("x-accel-redirect" with `PORTAL_FILES_ACCEL_PREFIX`,
"x-sendfile" with the file's absolute path).
"""

from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from .models import Attachment

SERVE_MODES = ("stream", "x-accel-redirect", "x-sendfile")
# Sent with every file: nothing in it may run or load anything, even if a browser sniffed it.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
_SALT = "tickets.files"
API_LINK, PUBLIC_LINK = "a", "p"


def response(attachment: Attachment, *, published: bool = False) -> HttpResponse:
    """The attachment's bytes (or the web server's instruction to send them), named neutrally
    (never by the name the file had on the resident's phone).

    `published`: the caller is anyone (open data), so shared caches may keep the response;
    every other download is private and not stored.
    """
    name = attachment.file.name
    extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
    filename = f"photo-{attachment.pk}.{extension}"
    mode = settings.PORTAL_FILES_SERVE
    if mode == "stream":
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        reply = FileResponse(handle, content_type=attachment.content_type, filename=filename)
    else:
        reply = HttpResponse(content_type=attachment.content_type)
        reply["Content-Disposition"] = f'inline; filename="{filename}"'
        if mode == "x-accel-redirect":
            reply["X-Accel-Redirect"] = settings.PORTAL_FILES_ACCEL_PREFIX + quote(name)
        else:
            reply["X-Sendfile"] = attachment.file.path
    reply["Cache-Control"] = "public, max-age=3600" if published else "private, no-store"
    reply["Content-Security-Policy"] = FILE_CSP
    reply["X-Content-Type-Options"] = "nosniff"
    return reply


def signed_path(attachment: Attachment, kind: str, *, client: bool = False) -> str:
    """A signed download path: `API_LINK` for one caller's app, `PUBLIC_LINK` for open data."""
    payload = {"a": attachment.pk, "c": 1} if client else {"a": attachment.pk}
    token = signing.dumps(payload, salt=f"{_SALT}.{kind}", compress=False)
    return reverse("signed-file", kwargs={"kind": kind, "token": token})


def _link_lifetime(kind: str) -> int:
    if kind == PUBLIC_LINK:
        return settings.PORTAL_PUBLIC_FILE_LINK_SECONDS
    return settings.PORTAL_FILE_LINK_SECONDS


@require_safe
def signed_file(request, kind: str, token: str):
    """Download by a signed link; expired, altered or withdrawn links are a 404."""
    if kind not in (API_LINK, PUBLIC_LINK):
        raise Http404
    try:
        payload = signing.loads(token, salt=f"{_SALT}.{kind}", max_age=_link_lifetime(kind))
        attachment_id = int(payload["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404 from None
    attachments = Attachment.objects.filter(pk=attachment_id)
    if kind == PUBLIC_LINK:
        attachments = attachments.filter(published=True)
    elif payload.get("c"):
        attachments = attachments.filter(public=True)
    attachment = attachments.first()
    if attachment is None:
        raise Http404
    return response(attachment, published=kind == PUBLIC_LINK)
