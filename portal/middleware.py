"""Response headers that depend on the area of the site."""

from django.utils.cache import patch_cache_control

API_PREFIX = "/api/v1/"


class ApiNoStoreMiddleware:
    """Every `/api/v1/` response may carry residents' names and numbers (a ticket's detail, a
    caller's history), and error bodies echo what was sent: none may be kept by a browser, a
    proxy or a client's HTTP cache (`Cache-Control: no-store`). Set here for the whole prefix
    rather than per view, so a new endpoint cannot forget it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            patch_cache_control(response, no_store=True, private=True)
            response.headers.pop("Expires", None)
        return response


class RateLimitHeadersMiddleware:
    """The quota a request was counted against (`clients.throttling.Quota`, set by the API's
    throttle on REST and Open311 requests), announced on its response whatever the status:
    `RateLimit-Policy` and `RateLimit` of draft-ietf-httpapi-ratelimit-headers-10."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        quota = getattr(request, "ratelimit", None)
        if quota is not None:
            response.headers["RateLimit-Policy"] = quota.policy_field
            response.headers["RateLimit"] = quota.field
        return response
