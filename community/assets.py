"""Static assets under content-hashed names, cached for a year, gzipped once."""

import gzip
import hashlib
import os
import re

from flask import Blueprint, abort, current_app, request, url_for

bp = Blueprint("assets", __name__)
_HASHED = re.compile(r"^(?P<stem>[\w.-]+?)\.(?P<digest>[0-9a-f]{10})\.(?P<ext>css|js|svg)$")
_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
          "svg": "image/svg+xml"}
_cache: dict[str, tuple[str, bytes, bytes]] = {}


def _load(name: str) -> tuple[str, bytes, bytes]:
    """Read a static file once: (digest, raw bytes, gzipped bytes)."""
    if name not in _cache or current_app.debug:
        path = os.path.join(current_app.static_folder, name)
        with open(path, "rb") as f:
            raw = f.read()
        _cache[name] = (hashlib.sha256(raw).hexdigest()[:10], raw,
                        gzip.compress(raw, compresslevel=9, mtime=0))
    return _cache[name]


def asset_url(name: str) -> str:
    """URL of a static file with its content hash in the name, e.g. site.3f2a1b9c0d.css."""
    stem, ext = name.rsplit(".", 1)
    return url_for("assets.serve", filename=f"{stem}.{_load(name)[0]}.{ext}")


def asset_bytes(name: str) -> bytes:
    """The raw bytes of a static file (for budget tests and inlining)."""
    return _load(name)[1]


@bp.route("/assets/<filename>")
def serve(filename):
    """Serve a hashed asset; a stale or unknown hash is a 404, never the wrong content."""
    m = _HASHED.match(filename)
    if not m:
        abort(404)
    name = f"{m['stem']}.{m['ext']}"
    try:
        digest, raw, packed = _load(name)
    except (FileNotFoundError, IsADirectoryError):
        abort(404)
    if digest != m["digest"]:
        abort(404)
    zipped = "gzip" in request.headers.get("Accept-Encoding", "")
    resp = current_app.response_class(packed if zipped else raw, mimetype=None)
    resp.headers["Content-Type"] = _TYPES[m["ext"]]
    if zipped:
        resp.headers["Content-Encoding"] = "gzip"
    resp.headers["Vary"] = "Accept-Encoding"
    resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    resp.direct_passthrough = True
    return resp
