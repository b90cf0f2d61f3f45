"""Media over HTTP: the upload URL mockfuse serves, the id rule, and reading it back."""

from __future__ import annotations

import base64
import hashlib

import httpx
import pytest

from tests.support.http import auth_headers, post_json

CONTENT = b"%PDF-1.4 a tiny document"
SHA256 = base64.b64encode(hashlib.sha256(CONTENT).digest()).decode()
MEDIA_ID = base64.urlsafe_b64encode(hashlib.sha256(CONTENT).digest()).decode()[:22]


def ask_upload(tenant, **link):
    body = {
        "contentType": "application/pdf",
        "contentLength": len(CONTENT),
        "sha256Hash": SHA256,
        "traceId": "t-1",
        "field": "input",
        **link,
    }
    return post_json(tenant, "/api/public/media", body)


def test_upload_then_read_back_through_the_url_get_answers(mockfuse):
    answer = ask_upload(mockfuse, observationId="o-1")
    assert answer.status_code == 201
    assert answer.json()["mediaId"] == MEDIA_ID
    put = httpx.put(
        answer.json()["uploadUrl"],
        content=CONTENT,
        headers={"Content-Type": "application/pdf", "x-amz-checksum-sha256": SHA256},
    )
    assert put.status_code == 200
    patched = httpx.patch(
        f"{mockfuse.url}/api/public/media/{MEDIA_ID}",
        headers=auth_headers(mockfuse),
        json={"uploadedAt": "2026-11-27T10:00:00Z", "uploadHttpStatus": 200},
    )
    assert patched.status_code == 200

    media = httpx.get(
        f"{mockfuse.url}/api/public/media/{MEDIA_ID}", headers=auth_headers(mockfuse)
    ).json()
    assert (media["mediaId"], media["contentType"], media["contentLength"]) == (
        MEDIA_ID,
        "application/pdf",
        len(CONTENT),
    )
    assert httpx.get(media["url"]).content == CONTENT
    [stored] = mockfuse.media
    assert stored["links"] == [{"traceId": "t-1", "observationId": "o-1", "field": "input"}]


def test_the_same_content_is_the_same_media_and_needs_no_second_upload(mockfuse):
    first = ask_upload(mockfuse).json()
    httpx.put(first["uploadUrl"], content=CONTENT)
    again = ask_upload(mockfuse, traceId="t-2").json()
    assert again == {"uploadUrl": None, "mediaId": MEDIA_ID}
    [stored] = mockfuse.media
    assert [link["traceId"] for link in stored["links"]] == ["t-1", "t-2"]


def test_bytes_that_do_not_match_their_hash_are_refused(mockfuse):
    upload_url = ask_upload(mockfuse).json()["uploadUrl"]
    assert httpx.put(upload_url, content=b"something else").status_code == 400
    assert (
        httpx.put(
            upload_url, content=CONTENT, headers={"x-amz-checksum-sha256": "AAAA"}
        ).status_code
        == 400
    )
    assert mockfuse.media[0]["uploaded"] is False
    assert (
        httpx.put(f"{mockfuse.url}/_mockfuse/uploads/unknown-token", content=CONTENT).status_code
        == 404
    )


@pytest.mark.mockfuse_expect_rejections()
def test_bad_media_requests_get_400_and_unknown_media_404(mockfuse):
    assert (
        post_json(
            mockfuse, "/api/public/media", {"contentType": "image/png", "sha256Hash": "nope"}
        ).status_code
        == 400
    )
    assert post_json(mockfuse, "/api/public/media", ["not", "an", "object"]).status_code == 400
    missing = httpx.get(
        f"{mockfuse.url}/api/public/media/{MEDIA_ID}", headers=auth_headers(mockfuse)
    )
    assert (missing.status_code, missing.json()["error"]) == (404, "LangfuseNotFoundError")


@pytest.mark.mockfuse_expect_rejections()
def test_get_answers_by_the_clients_upload_report_as_langfuse_does(mockfuse):
    """Langfuse trusts the PATCH that reports the upload, not the blob store."""
    ask_upload(mockfuse)
    url = f"{mockfuse.url}/api/public/media/{MEDIA_ID}"

    def reported(**report):
        if report:
            assert httpx.patch(url, headers=auth_headers(mockfuse), json=report).is_success
        answer = httpx.get(url, headers=auth_headers(mockfuse))
        return answer.status_code, answer.json().get("message")

    assert reported() == (404, "Media not yet uploaded")
    failed = {"uploadedAt": "2026-11-27T10:00:00Z", "uploadHttpError": "SlowDown"}
    assert reported(uploadHttpStatus=503, **failed) == (
        404,
        "Media upload failed with status 503: \n SlowDown",
    )
    # Reported uploaded (to wherever the client uploaded it): answered, bytes or not.
    assert reported(uploadHttpStatus=200, uploadedAt="2026-11-27T10:00:01Z") == (200, None)


def test_an_item_copied_from_a_resolved_item_keeps_its_media(mockfuse):
    """Langfuse links a dataset item's media by the reference strings in the item itself
    (linkDatasetItemMedia in packages/shared/src/server/repositories/dataset-item-media.ts),
    so an item made from another's resolved input shows the same media."""
    answer = ask_upload(mockfuse, datasetItemId="original")
    assert answer.status_code == 201
    httpx.put(
        answer.json()["uploadUrl"],
        content=CONTENT,
        headers={"Content-Type": "application/pdf", "x-amz-checksum-sha256": SHA256},
    )
    httpx.patch(
        f"{mockfuse.url}/api/public/media/{MEDIA_ID}",
        headers=auth_headers(mockfuse),
        json={"uploadedAt": "2026-11-27T10:00:00Z", "uploadHttpStatus": 200},
    )
    reference = f"@@@langfuseMedia:type=application/pdf|id={MEDIA_ID}|source=bytes@@@"
    post_json(mockfuse, "/api/public/v2/datasets", {"name": "docs"})
    item = {"datasetName": "docs", "input": {"document": reference}}
    original = post_json(mockfuse, "/api/public/dataset-items", {**item, "id": "original"})
    copied = post_json(
        mockfuse,
        "/api/public/dataset-items",
        {**item, "id": "copy", "input": original.json()["input"]},
    )
    for answered in (original.json(), copied.json()):
        [shown] = answered["mediaReferences"]
        assert (shown["field"], shown["jsonPath"], shown["referenceString"]) == (
            "input",
            "$['document']",
            reference,
        )
        assert httpx.get(shown["media"]["url"]).content == CONTENT


@pytest.mark.mockfuse_expect_rejections()
def test_an_item_naming_media_never_uploaded_is_refused_and_not_stored(mockfuse):
    """Langfuse's validateDatasetItemMediaReferences (dataset-item-media.ts): media the
    project does not have, or whose upload was not reported done, makes the item a 400."""
    post_json(mockfuse, "/api/public/v2/datasets", {"name": "docs"})
    assert ask_upload(mockfuse, datasetItemId="pending").status_code == 201  # never uploaded
    unknown = "@@@langfuseMedia:type=image/png|id=nOsUcHmEdIa0000000000x|source=bytes@@@"
    pending = f"@@@langfuseMedia:type=application/pdf|id={MEDIA_ID}|source=bytes@@@"
    item = {"datasetName": "docs", "id": "i", "input": {"a": unknown, "b": pending}}
    answer = post_json(mockfuse, "/api/public/dataset-items", item)
    assert answer.status_code == 400
    assert answer.json() == {
        "message": f"Dataset item references unknown media: nOsUcHmEdIa0000000000x, {MEDIA_ID}",
        "error": "InvalidRequestError",
    }
    listed = httpx.get(
        f"{mockfuse.url}/api/public/dataset-items",
        params={"datasetName": "docs"},
        headers=auth_headers(mockfuse),
    )
    assert listed.json()["data"] == []
