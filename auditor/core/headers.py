"""Security headers on every response: what the browser may load, run, frame and cache.

One after-request hook (`security_headers`), so no page or endpoint can forget one. The
Content-Security-Policy allows scripts and styles from this site only (no inline script, no
inline style attribute, no eval): pages keep their scripts in static/ modules.
"""

from flask import Response, current_app

# what the pages really use: images and media from this site, photos previewed as blob: URLs
# and data: icons, the service worker (worker-src), the manifest, fetch() to this site only
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "media-src 'self' blob: mediastream:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# the camera (photos), the microphone (the sound meter) and geolocation (proof of visit): to
# this site itself, never to a frame of another one
PERMISSIONS_POLICY = "camera=(self), microphone=(self), geolocation=(self)"


def security_headers(response: Response) -> Response:
    """Add the security headers a response does not set itself."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    # no MIME sniffing (photos and JSON are what they say), no framing, no leaking paths
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    # pages, API answers and errors carry one user's data: no cache, shared or the browser's,
    # keeps them. Answers that may be kept say so themselves (static files, the service
    # worker, the manifest, photos: private for a short while).
    headers.setdefault("Cache-Control", "no-store")
    max_age = current_app.config["HSTS_MAX_AGE"]
    if max_age and not current_app.testing:
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
    return response
