"""Media: ``POST /api/public/media`` (an upload URL served by mockfuse itself),
``PATCH``/``GET /api/public/media/{id}``, and the two URLs that stand in for blob storage:
the upload target and the download URL ``GET`` answers with."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mockfuse.api.exchange import LARGEST_BODY, SERVICES, Exchange, parse_json
from mockfuse.api.paging import not_found
from mockfuse.api.routing import Access, Routes
from mockfuse.langfuse.media import Media, MediaError, references_in

routes = Routes()


def _origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


@routes.post("/api/public/media", access=Access.ANY_KEY)
async def create_media(exchange: Exchange) -> web.Response:
    request = exchange.request
    try:
        body = parse_json(exchange.raw_body)
        if not isinstance(body, dict):
            raise MediaError("expected an object")
        media, needs_upload = exchange.services.media.register(exchange.tenant, body)
    except (ValueError, MediaError) as error:
        return exchange.answer_invalid(str(error))
    upload_url = (
        f"{_origin(request)}/_mockfuse/uploads/{media.upload_token}" if needs_upload else None
    )
    return exchange.answer(201, {"uploadUrl": upload_url, "mediaId": media.media_id}, body=body)


def download_view(exchange: Exchange, media: Media) -> dict[str, Any]:
    """How Langfuse shows media to download: its metadata and a URL (mockfuse's own)."""
    return {
        "mediaId": media.media_id,
        "contentType": media.content_type,
        "contentLength": media.content_length,
        "url": f"{_origin(exchange.request)}/_mockfuse/media/{media.upload_token}",
        "urlExpiry": "2099-01-01T00:00:00.000Z",
    }


def dataset_item_view(exchange: Exchange, item: dict[str, Any]) -> dict[str, Any]:
    """A dataset item with its ``mediaReferences``, as Langfuse answers it: each media
    reference string in its input, expected output or metadata whose media the tenant has
    and reported uploaded, with where it is and how to download it. Langfuse links an item's
    media by the reference strings in the item itself (``linkDatasetItemMedia``), whatever
    item the media was first uploaded for: an item made from another's resolved input shows
    the same media."""
    media_store, tenant = exchange.services.media, exchange.tenant
    references = []
    for field in ("input", "expectedOutput", "metadata"):
        for path, reference, media_id in references_in(item.get(field)):
            media = media_store.get(tenant, media_id)
            if media is not None and _not_available(media) is None:
                references.append(
                    {
                        "field": field,
                        "referenceString": reference,
                        "jsonPath": path,
                        "media": download_view(exchange, media),
                    }
                )
    return {**item, "mediaReferences": references}


def unresolvable_media(exchange: Exchange, item: dict[str, Any]) -> list[str]:
    """The ids of media an item's reference strings name that the tenant does not have, or
    whose upload was not reported done (Langfuse's ``findUnresolvableMediaReferences``)."""
    media_store, tenant = exchange.services.media, exchange.tenant
    missing: list[str] = []
    for field in ("input", "expectedOutput", "metadata"):
        for _, _, media_id in references_in(item.get(field)):
            if _not_available(media_store.get(tenant, media_id)) and media_id not in missing:
                missing.append(media_id)
    return missing


def _not_available(media: Media | None) -> str | None:
    """Why ``GET`` answers 404 for ``media``, in Langfuse's words; None when it may not."""
    if media is None:
        return "Media asset not found"
    status = media.upload_http_status
    if not status:
        return "Media not yet uploaded"
    if status not in (200, 201):
        return f"Media upload failed with status {status}: \n {media.upload_http_error}"
    return None


MEDIA = "/api/public/media/{media_id}"


def _missing(media_id: str) -> str:
    return f"Media {media_id} not found within authorized project"


@routes.patch(MEDIA, access=Access.ANY_KEY)
async def report_upload(exchange: Exchange) -> web.Response:
    report = exchange.json_body()
    if isinstance(report, web.Response):
        return report
    media_id = exchange.match("media_id")
    patched = exchange.services.media.patch(
        exchange.tenant, media_id, report if isinstance(report, dict) else {}
    )
    if patched is None:
        return not_found(exchange, _missing(media_id), body=report)
    return exchange.answer(200, {"message": "OK"}, body=report)


@routes.get(MEDIA, access=Access.ANY_KEY)
async def get_media(exchange: Exchange) -> web.Response:
    media = exchange.services.media.get(exchange.tenant, exchange.match("media_id"))
    # Langfuse trusts the client's report of its upload, not the blob store.
    unavailable = _not_available(media)
    if unavailable is not None:
        return not_found(exchange, unavailable)
    assert media is not None
    view = download_view(exchange, media)
    return exchange.answer(200, {**view, "uploadedAt": media.uploaded_at})


# Blob storage's stand-ins: mockfuse's own URLs, outside the request log, as a bucket is.
blob_routes = web.RouteTableDef()


@blob_routes.put("/_mockfuse/uploads/{token}")
async def upload(request: web.Request) -> web.Response:
    """The presigned upload URL: no key needed, the token is the permission, as with S3."""
    if request.content_length is not None and request.content_length > LARGEST_BODY:
        return web.json_response({"error": "PayloadTooLargeError"}, status=413)
    content = await request.read()
    try:
        request.app[SERVICES].media.upload(
            request.match_info["token"], content, request.headers.get("x-amz-checksum-sha256")
        )
    except KeyError:
        return web.json_response({"error": "NoSuchUpload"}, status=404)
    except MediaError as error:
        return web.json_response({"error": "BadDigest", "message": str(error)}, status=400)
    return web.Response(status=200)


@blob_routes.get("/_mockfuse/media/{token}")
async def download(request: web.Request) -> web.Response:
    """The download URL ``GET /api/public/media/{id}`` gives: the bytes that were uploaded."""
    media = request.app[SERVICES].media.by_token(request.match_info["token"])
    if media is None or media.content is None:
        return web.json_response({"error": "NoSuchKey"}, status=404)
    return web.Response(body=media.content, content_type=media.content_type)
