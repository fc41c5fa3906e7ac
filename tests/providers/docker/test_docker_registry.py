"""docker:registry:push and docker:image:pull against Debian's docker-registry on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mcp_iac.core import ProviderError
from mcp_iac.providers.docker import Settings
from mcp_iac.providers.docker._image_pull import reference_id
from mcp_iac.sdk import ProviderClient

from .conftest import Registry, connect
from .engine import BASE_IMAGE

PUSH = "docker:registry:push"
PULL = "docker:image:pull"
BUILD = "docker:image:build"


@pytest.mark.anyio
async def _create(
    client: ProviderClient, type_: str, name: str, props: dict[str, Any], key: str = ""
) -> tuple[str, dict[str, Any]]:
    created = await client.create(
        type_,
        name=name,
        urn=f"test/{type_}:{name}",
        idempotency_key=key or f"test/{type_}:{name}@1",
        properties=props,
    )
    return created.id, dict(created.outputs)


@pytest.mark.anyio
async def test_a_built_image_is_pushed_and_pulled_back_by_reference(
    settings: Settings, registry: Registry, docker_client: Any
) -> None:
    async with connect(settings) as client:
        image_id, _ = await _create(client, BUILD, "app", {"context": "app", "tags": ["app:7"]})
        # As in the seed: the image by its build id, the repository from its tag.
        push_props = {"image": image_id, "registry": f"{registry.host}/team", "tag": "7"}
        ref, pushed = await _create(client, PUSH, "app", push_props)
        assert ref == f"{registry.host}/team/app:7"
        assert pushed["imageId"] == image_id
        remote = docker_client.images.get_registry_data(ref)
        assert pushed["digest"] == remote.id
        assert pushed["repositoryDigest"] == f"{registry.host}/team/app@{remote.id}"
        # The push tag was only a means: the image keeps just its own name.
        assert docker_client.images.get(image_id).tags == ["app:7"]

        read = await client.read(PUSH, ref, push_props)
        assert read.exists
        assert read.properties == {**read.properties, **push_props}

        pull_id, pulled = await _create(client, PULL, "app", {"image": ref, "policy": "always"})
        assert pull_id == ref
        assert pulled["id"] == image_id  # the same image, by content
        assert pulled["digest"] == pushed["repositoryDigest"]
        by_digest, _ = await _create(client, PULL, "pinned", {"image": pushed["repositoryDigest"]})
        assert by_digest == pushed["repositoryDigest"]

        await client.delete(PULL, pull_id, {"image": ref})
        assert ref not in docker_client.images.get(image_id).tags
        assert not (await client.read(PULL, pull_id, {"image": ref})).exists


@pytest.mark.anyio
async def test_pull_fetches_what_the_engine_lacks_and_delete_removes_it(
    settings: Settings, registry: Registry, docker_client: Any, base_image: str
) -> None:
    repository = f"{registry.host}/lib/busybox"
    docker_client.images.get(base_image).tag(repository, "fetch")
    for chunk in docker_client.images.push(repository, "fetch", stream=True, decode=True):
        assert "error" not in chunk
    docker_client.images.remove(f"{repository}:fetch")
    ref = f"{repository}:fetch"
    async with connect(settings) as client:
        id_, outputs = await _create(client, PULL, "bb", {"image": ref}, key="k-pull")
        assert docker_client.images.get(ref).id == outputs["id"]
        assert [i.id for i in await client.list(PULL, {"idempotency_key": "k-pull"})] == [id_]
        keep = {"image": ref, "keepLocally": True}
        await client.update(PULL, id_, old={"image": ref}, new=keep)
        await client.delete(PULL, id_, keep)
        assert docker_client.images.get(ref)  # kept, only forgotten
        assert await client.list(PULL, {"idempotency_key": "k-pull"}) == []


@pytest.mark.anyio
async def test_pulling_a_tag_the_registry_lacks_is_not_found_and_leaves_nothing(
    settings: Settings, registry: Registry, project: Path
) -> None:
    async with connect(settings) as client:
        with pytest.raises(ProviderError) as missing:
            await _create(
                client, PULL, "nope", {"image": f"{registry.host}/none/here:1"}, key="k-none"
            )
        assert missing.value.code == "NOT_FOUND"
        assert await client.list(PULL, {"idempotency_key": "k-none"}) == []
    assert list((project / ".mcp-iac" / "docker" / "keys").glob("*.json")) == []


@pytest.mark.anyio
async def test_an_unreachable_registry_is_unavailable_and_retryable(
    settings: Settings, free_port: int
) -> None:
    async with connect(settings) as client:
        with pytest.raises(ProviderError) as down:
            await _create(client, PULL, "down", {"image": f"127.0.0.1:{free_port}/x/y:1"})
    assert down.value.code == "UNAVAILABLE"
    assert down.value.retryable
    assert "connection refused" in down.value.reason


@pytest.mark.anyio
async def test_a_registry_wanting_credentials_gets_them_and_never_sees_them_on_disk(
    settings: Settings, auth_registry: Registry, project: Path, docker_client: Any
) -> None:
    props = {"image": BASE_IMAGE, "registry": auth_registry.host, "repository": "priv/bb"}
    async with connect(settings) as client:
        with pytest.raises(ProviderError) as refused:
            await _create(client, PUSH, "priv", props, key="k-noauth")
        assert refused.value.code == "UNAUTHORIZED"
        assert not refused.value.retryable
        assert await client.list(PUSH, {"idempotency_key": "k-noauth"}) == []

        with_auth = {**props, "auth": auth_registry.auth_properties()}
        ref, pushed = await _create(client, PUSH, "priv", with_auth, key="k-auth")
        assert ref == f"{auth_registry.host}/priv/bb:latest"
        remote = docker_client.images.get_registry_data(
            ref, auth_config=auth_registry.auth_properties()
        )
        assert remote.id == pushed["digest"]
        assert (await client.read(PUSH, ref, with_auth)).exists

        assert ref not in docker_client.images.get(BASE_IMAGE).tags  # so pull must fetch it
        pull_id, _ = await _create(
            client, PULL, "priv", {"image": ref, "auth": auth_registry.auth_properties()}
        )
        assert pull_id == ref
        assert ref in docker_client.images.get(BASE_IMAGE).tags

    assert auth_registry.auth is not None
    password = auth_registry.auth[1]
    records = list((project / ".mcp-iac" / "docker" / "keys").glob("*.json"))
    assert len(records) == 2
    for record in records:
        text = record.read_text()
        assert password not in text
        assert "auth" not in json.loads(text)["properties"]


@pytest.mark.anyio
async def test_a_push_over_the_same_reference_shows_as_drift(
    settings: Settings, registry: Registry, docker_client: Any
) -> None:
    async with connect(settings) as client:
        first, _ = await _create(client, BUILD, "v1", {"context": "app", "tags": ["drift:1"]})
        props = {"image": first, "registry": registry.host, "repository": "drift/app"}
        ref, pushed = await _create(client, PUSH, "drift", props)
        assert (await client.read(PUSH, ref, props)).properties["image"] == first

        # Someone pushes another image to the same tag.
        other, _ = await _create(
            client,
            BUILD,
            "v2",
            {"context": "app", "buildArgs": {"GREETING": "other"}, "tags": ["drift:2"]},
        )
        docker_client.images.get(other).tag(f"{registry.host}/drift/app", "latest")
        for chunk in docker_client.images.push(
            f"{registry.host}/drift/app", "latest", stream=True, decode=True
        ):
            assert "error" not in chunk
        read = await client.read(PUSH, ref, props)
        assert read.exists
        assert read.properties["image"].startswith(f"{registry.host}/drift/app@sha256:")
        assert read.outputs["digest"] != pushed["digest"]

        # Delete forgets the push; the registry keeps its content.
        await client.delete(PUSH, ref, props)
        assert not (await client.read(PUSH, ref, props)).exists
        assert docker_client.images.get_registry_data(ref).id == read.outputs["digest"]


@pytest.mark.anyio
async def test_a_push_of_an_image_the_engine_lacks_is_a_validation_error(
    settings: Settings, registry: Registry
) -> None:
    async with connect(settings) as client:
        with pytest.raises(ProviderError) as missing:
            await _create(
                client, PUSH, "x", {"image": "ghost:1", "registry": registry.host}, key="k-ghost"
            )
    assert missing.value.code == "VALIDATION"
    assert "ghost:1" in missing.value.reason


@pytest.mark.parametrize(
    ("image", "id_"),
    [
        ("busybox", "busybox:latest"),
        ("docker.io/library/busybox:1", "busybox:1"),
        ("docker.io/team/app", "team/app:latest"),
        ("127.0.0.1:5000/team/app", "127.0.0.1:5000/team/app:latest"),
        (f"team/app@sha256:{'0' * 64}", f"team/app@sha256:{'0' * 64}"),
    ],
)
def test_a_pull_is_identified_by_the_reference_as_the_engine_names_it(image: str, id_: str) -> None:
    assert reference_id(image) == id_
