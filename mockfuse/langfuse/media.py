"""Media that clients upload: what Langfuse keeps in blob storage, kept here in memory.

A client asks ``POST /api/public/media`` for an upload URL, ``PUT``s the bytes there, then
reports the upload with ``PATCH``. The media id is Langfuse's rule (the first 22 characters of
the url-safe base64 SHA-256), which SDKs check before uploading; the same content in a
project is the same media, linked to every trace, observation and field that carries it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MEDIA_ID_LENGTH = 22
# What an SDK puts where the media was: "@@@langfuseMedia:type=image/png|id=...|source=bytes@@@".
REFERENCE = re.compile(r"@@@langfuseMedia:type=[^|]+\|id=(?P<id>[^|]+)\|source=[^@]+@@@")


def references_in(value: Any, path: str = "$") -> Iterator[tuple[str, str, str]]:
    """Each media reference string in a JSON value: its JSONPath in bracket form
    (``$['gallery'][0]``), the string, and the media id it names."""
    if isinstance(value, str):
        match = REFERENCE.fullmatch(value)
        if match is not None:
            yield path, value, match["id"]
    elif isinstance(value, dict):
        for key, item in value.items():
            quoted = str(key).replace("\\", "\\\\").replace("'", "\\'")
            yield from references_in(item, f"{path}['{quoted}']")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from references_in(item, f"{path}[{index}]")


def media_id_for(sha256_base64: str) -> str:
    digest = base64.b64decode(sha256_base64, validate=True)
    if len(digest) != hashlib.sha256().digest_size:
        raise ValueError("sha256Hash is not a base64 SHA-256 digest")
    return base64.urlsafe_b64encode(digest).decode("ascii")[:MEDIA_ID_LENGTH]


@dataclass
class Media:
    media_id: str
    content_type: str
    content_length: int
    sha256_hash: str
    links: list[dict[str, Any]] = field(default_factory=list)
    content: bytes | None = None
    uploaded_at: str | None = None
    upload_http_status: int | None = None
    upload_http_error: str | None = None
    upload_token: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    def to_json(self) -> dict[str, Any]:
        """What a test sees: the metadata, the links, and the bytes as base64."""
        return {
            "mediaId": self.media_id,
            "contentType": self.content_type,
            "contentLength": self.content_length,
            "sha256Hash": self.sha256_hash,
            "links": list(self.links),
            "uploaded": self.content is not None,
            "uploadedAt": self.uploaded_at,
            "uploadHttpStatus": self.upload_http_status,
            "contentBase64": base64.b64encode(self.content).decode() if self.content else None,
        }


class MediaError(ValueError):
    pass


class MediaStore:
    def __init__(self) -> None:
        self._media: dict[tuple[str | None, str], Media] = {}
        self._uploads: dict[str, tuple[str | None, str]] = {}
        self._lock = threading.Lock()

    def register(self, public_key: str | None, request: dict[str, Any]) -> tuple[Media, bool]:
        """The media a ``POST /api/public/media`` names, and whether it still needs its bytes."""
        try:
            media_id = media_id_for(str(request.get("sha256Hash")))
        except (binascii.Error, ValueError) as error:
            raise MediaError(f"sha256Hash: {error}") from None
        content_type, length = request.get("contentType"), request.get("contentLength")
        if not isinstance(content_type, str) or not content_type:
            raise MediaError("contentType is required")
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise MediaError("contentLength must be a non-negative integer")
        link = {
            key: request.get(key)
            for key in ("traceId", "observationId", "datasetId", "datasetItemId", "field")
            if request.get(key) is not None
        }
        with self._lock:
            media = self._media.get((public_key, media_id))
            if media is None:
                media = Media(media_id, content_type, length, str(request["sha256Hash"]))
                self._media[(public_key, media_id)] = media
                self._uploads[media.upload_token] = (public_key, media_id)
            if link not in media.links:
                media.links.append(link)
            return media, media.content is None

    def upload(self, token: str, content: bytes, checksum: str | None) -> Media:
        media = self.by_token(token)
        if media is None:
            raise KeyError(token)
        with self._lock:
            actual = base64.b64encode(hashlib.sha256(content).digest()).decode()
            if actual != media.sha256_hash or (checksum is not None and checksum != actual):
                raise MediaError("the content does not match its SHA-256")
            media.content = content
            return media

    def patch(self, public_key: str | None, media_id: str, report: dict[str, Any]) -> Media | None:
        with self._lock:
            media = self._media.get((public_key, media_id))
            if media is not None:
                media.uploaded_at = report.get("uploadedAt")
                media.upload_http_status = report.get("uploadHttpStatus")
                media.upload_http_error = report.get("uploadHttpError")
            return media

    def by_token(self, token: str) -> Media | None:
        with self._lock:
            key = self._uploads.get(token)
            return self._media.get(key) if key else None

    def get(self, public_key: str | None, media_id: str) -> Media | None:
        with self._lock:
            return self._media.get((public_key, media_id))

    def of_tenant(self, public_key: str | None) -> list[Media]:
        with self._lock:
            return [media for (owner, _), media in self._media.items() if owner == public_key]

    def forget(self, public_key: str | None) -> None:
        with self._lock:
            for key in [key for key in self._media if key[0] == public_key]:
                self._uploads.pop(self._media.pop(key).upload_token, None)
