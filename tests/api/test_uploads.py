from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gwangyang.api.uploads import UploadError, check_filename

from .conftest import fastcharge_files

UPLOADS = "/api/v1/battery/uploads"


def _multipart(name: str, content: bytes, boundary: str = "XyZ") -> bytes:
    return (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


def _uploads_dir(client: TestClient) -> Path:
    return client.app.state.store.root / "uploads"  # type: ignore[attr-defined]


def _left_files(client: TestClient) -> list[Path]:
    folder = _uploads_dir(client)
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.parametrize(
    "name", ["../../evil.csv", "..\\evil.csv", "/etc/passwd", ".bashrc", "a/../../b.csv", "x\x00.csv"]
)
def test_path_traversal_refused(fresh_client: TestClient, tmp_path: Path, name: str) -> None:
    body = _multipart(name, b"Data_Point,Test_Time\n")
    response = fresh_client.post(
        UPLOADS, content=body, headers={"Content-Type": "multipart/form-data; boundary=XyZ"}
    )
    assert response.status_code == 400
    assert "filename" in response.json()["detail"]
    assert _left_files(fresh_client) == []
    assert not (tmp_path / "evil.csv").exists() and not (tmp_path.parent / "evil.csv").exists()


def test_check_filename_accepts_plain_names() -> None:
    assert check_filename("FastCharge_000025_CH8.csv") == "FastCharge_000025_CH8.csv"
    with pytest.raises(UploadError):
        check_filename("")


def test_too_large_refused_before_reading(fresh_client: TestClient) -> None:
    # The fixture's limit is 2 MiB; a declared 3 MiB body is refused from its Content-Length alone.
    body = _multipart("big.csv", b"0" * (3 * 1024 * 1024))
    response = fresh_client.post(
        UPLOADS, content=body, headers={"Content-Type": "multipart/form-data; boundary=XyZ"}
    )
    assert response.status_code == 413
    assert "limit of 2097152 bytes" in response.json()["detail"]
    assert _left_files(fresh_client) == []


def test_too_large_refused_while_streaming(fresh_client: TestClient) -> None:
    # No Content-Length (chunked): the limit is enforced on the bytes received, and the partial file is deleted.
    body = _multipart("big.csv", b"0" * (3 * 1024 * 1024))

    def chunks():  # type: ignore[no-untyped-def]
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    response = fresh_client.post(
        UPLOADS, content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=XyZ"}
    )
    assert response.status_code == 413
    assert _left_files(fresh_client) == []


def test_truncated_body_refused(fresh_client: TestClient, cyclers: Path) -> None:
    content = (cyclers / "arbin" / "FastCharge_000025_CH8.csv").read_bytes()
    body = _multipart("FastCharge_000025_CH8.csv", content)
    cut = body[: len(body) // 2]  # the client stopped half-way: no closing boundary
    response = fresh_client.post(
        UPLOADS, content=cut, headers={"Content-Type": "multipart/form-data; boundary=XyZ"}
    )
    assert response.status_code == 400
    assert "truncated" in response.json()["detail"]
    assert _left_files(fresh_client) == []


def test_wrong_format_refused_with_file_name(fresh_client: TestClient, cyclers: Path) -> None:
    # A semicolon "PRIME INSTRUMENT" export no built-in reader knows (cellpy's custom format).
    path = cyclers / "bad" / "custom_good_small.csv"
    response = fresh_client.post(UPLOADS, files={"files": (path.name, path.read_bytes())})
    assert response.status_code == 415
    detail = response.json()["detail"]
    assert detail.startswith("custom_good_small.csv: unknown cycler format")
    assert str(fresh_client.app.state.store.root) not in detail  # type: ignore[attr-defined]
    assert _left_files(fresh_client) == []


def test_not_multipart_and_no_file(fresh_client: TestClient) -> None:
    assert fresh_client.post(UPLOADS, content=b"abc", headers={"Content-Type": "text/csv"}).status_code == 415
    response = fresh_client.post(UPLOADS, data={"chemistry": "lfp"}, files={})
    assert response.status_code in (400, 415)


def test_upload_streams_to_store_without_exec_bit(fresh_client: TestClient, cyclers: Path) -> None:
    files = [("files", (p.name, p.read_bytes())) for p in fastcharge_files(cyclers)]
    response = fresh_client.post(UPLOADS, files=files)
    assert response.status_code == 202, response.text
    answer = response.json()
    # byte count = the two files' sizes on disk
    assert answer["bytes"] == sum(p.stat().st_size for p in fastcharge_files(cyclers))
    saved = sorted(_left_files(fresh_client))
    assert [p.name for p in saved] == sorted(p.name for p in fastcharge_files(cyclers))
    for path in saved:
        assert path.read_bytes() == (cyclers / "arbin" / path.name).read_bytes()
        assert not stat.S_IMODE(os.stat(path).st_mode) & 0o111
