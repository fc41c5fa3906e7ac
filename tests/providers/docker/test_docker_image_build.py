"""docker:image:build on the private dockerd: classic builder, contexts confined to the project."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from mcp_iac.core import ProviderError
from mcp_iac.providers.docker import Settings
from mcp_iac.sdk import ProviderClient

from .conftest import connect
from .engine import BASE_IMAGE

pytestmark = pytest.mark.anyio

BUILD = "docker:image:build"
CONTAINER = "docker:container"


async def _build(
    client: ProviderClient, props: dict[str, Any], key: str = "test/build@1"
) -> tuple[str, dict[str, Any]]:
    created = await client.create(
        BUILD, name="web", urn="test/docker:image:build:web", idempotency_key=key, properties=props
    )
    return created.id, dict(created.outputs)


async def test_a_build_makes_a_labelled_tagged_image_that_runs(
    settings: Settings, docker_client: Any
) -> None:
    props = {"context": "app", "buildArgs": {"GREETING": "bonjour"}, "tags": ["web:1", "web"]}
    async with connect(settings) as client:
        id_, outputs = await _build(client, props)
        assert outputs["id"] == id_
        assert outputs["tag"] == "web:1"
        assert outputs["tags"] == ["web:1", "web"]

        image = docker_client.images.get(id_)
        assert sorted(image.tags) == ["web:1", "web:latest"]
        found = image.labels
        assert found["mcp-iac.key"] == "test/build@1"
        assert found["mcp-iac.type"] == BUILD
        assert json.loads(found["mcp-iac.build"])["buildArgs"] == {"GREETING": "bonjour"}
        page = docker_client.containers.run(
            id_, ["cat", "/www/index.html"], network_mode="none", remove=True
        )
        assert page == b"bonjour\n"

        read = await client.read(BUILD, id_, props)
        assert read.properties == {**read.properties, **props}

        again, _ = await _build(client, props)
        assert again == id_  # the same key: the same image, no second build
        assert [i.id for i in await client.list(BUILD, {"idempotency_key": "test/build@1"})] == [
            id_
        ]


async def test_tags_change_in_place_and_their_drift_shows(
    settings: Settings, docker_client: Any
) -> None:
    props = {"context": "app", "tags": ["shop:1"]}
    async with connect(settings) as client:
        id_, _ = await _build(client, props)
        new = {"context": "app", "tags": ["shop:2", "shop:latest"]}
        outputs = (await client.update(BUILD, id_, old=props, new=new)).outputs
        assert outputs["tags"] == ["shop:2", "shop:latest"]
        assert sorted(docker_client.images.get(id_).tags) == ["shop:2", "shop:latest"]

        docker_client.images.remove("shop:latest")  # untagged behind mcp-iac's back
        read = await client.read(BUILD, id_, new)
        assert read.properties["tags"] == ["shop:2"]

        docker_client.images.get(id_).tag("shop", "extra")
        assert (await client.read(BUILD, id_, new)).properties["tags"] == ["shop:2", "shop:extra"]

        with pytest.raises(ProviderError) as last:
            await client.update(BUILD, id_, old=new, new={"context": "app", "tags": []})
        assert last.value.code == "VALIDATION"
        assert "last tag" in last.value.reason


@pytest.mark.parametrize(
    ("props", "path", "says"),
    [
        ({"context": "/etc"}, "context", "absolute"),
        ({"context": "../outside"}, "context", "'..'"),
        ({"context": "app/../../outside"}, "context", "'..'"),
        ({"context": "app", "dockerfile": "../../Dockerfile"}, "dockerfile", "'..'"),
        ({"context": "app", "dockerfile": "/etc/passwd"}, "dockerfile", "absolute"),
    ],
)
async def test_paths_leading_out_of_the_project_are_rejected_when_validated(
    settings: Settings, props: dict[str, Any], path: str, says: str
) -> None:
    async with connect(settings) as client:
        issues = await client.validate(BUILD, props)
        assert [i.path for i in issues] == [path]
        assert says in issues[0].message
        with pytest.raises(ProviderError) as rejected:
            await _build(client, props, key="k-escape")
        assert rejected.value.code == "VALIDATION"
        assert await client.list(BUILD, {"idempotency_key": "k-escape"}) == []


async def test_a_symlink_leading_out_of_the_project_is_rejected_when_building(
    settings: Settings, project: Path, tmp_path: Path, docker_client: Any
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Dockerfile").write_text(f"FROM {BASE_IMAGE}\n")
    os.symlink(outside, project / "linked")
    os.symlink(outside / "Dockerfile", project / "app" / "Dockerfile.link")
    before = {i.id for i in docker_client.images.list(all=True)}
    async with connect(settings) as client:
        for props, path in (
            ({"context": "linked"}, "context"),
            ({"context": "app", "dockerfile": "Dockerfile.link"}, "dockerfile"),
        ):
            assert await client.validate(BUILD, props) == []  # only the file system tells
            with pytest.raises(ProviderError) as rejected:
                await _build(client, props, key=f"k-{path}")
            assert rejected.value.code == "VALIDATION"
            assert rejected.value.details[0]["path"] == path
            assert "outside the project directory" in rejected.value.reason
    assert {i.id for i in docker_client.images.list(all=True)} == before


async def test_a_missing_context_names_the_property(settings: Settings) -> None:
    async with connect(settings) as client:
        with pytest.raises(ProviderError) as missing:
            await _build(client, {"context": "nothing-here"})
    assert missing.value.code == "VALIDATION"
    assert "property 'context'" in missing.value.reason
    assert "does not exist" in missing.value.reason


async def test_a_failing_build_is_a_validation_error_with_the_log_tail_and_leaves_no_image(
    settings: Settings, project: Path, docker_client: Any
) -> None:
    (project / "app" / "Dockerfile.bad").write_text(
        f"FROM {BASE_IMAGE}\nRUN echo about to fail && false\n"
    )
    props = {"context": "app", "dockerfile": "Dockerfile.bad", "tags": ["bad:1"]}
    async with connect(settings) as client:
        with pytest.raises(ProviderError) as failed:
            await _build(client, props, key="k-bad")
        assert failed.value.code == "VALIDATION"
        assert "about to fail" in failed.value.reason
        assert "non-zero code" in failed.value.reason
        assert await client.list(BUILD, {"idempotency_key": "k-bad"}) == []
    assert docker_client.images.list(filters={"label": "mcp-iac.key=k-bad"}) == []
    assert docker_client.images.list(name="bad") == []


async def test_an_image_in_use_by_a_container_is_not_deleted(
    settings: Settings, docker_client: Any
) -> None:
    async with connect(settings) as client:
        id_, _ = await _build(client, {"context": "app", "tags": ["busy:1"]})
        created = await client.create(
            CONTAINER,
            name="user",
            urn="test/docker:container:user",
            idempotency_key="k-user",
            properties={"image": id_, "networkMode": "none"},
        )
        with pytest.raises(ProviderError) as busy:
            await client.delete(BUILD, id_, {})
        assert busy.value.code == "CONFLICT"
        assert docker_client.images.get(id_).tags == ["busy:1"]  # untouched

        await client.delete(CONTAINER, created.id, {})
        await client.delete(BUILD, id_, {})
        assert not (await client.read(BUILD, id_, {})).exists
        await client.delete(BUILD, id_, {})  # already gone: success


async def test_an_image_built_from_ours_elsewhere_is_not_taken_for_ours(
    settings: Settings, project: Path, docker_client: Any
) -> None:
    """Images inherit labels: one built outside mcp-iac FROM our image carries our key too."""
    async with connect(settings) as client:
        id_, _ = await _build(client, {"context": "app", "tags": ["base:1"]}, key="k-parent")
        child = project / "child"
        child.mkdir()
        (child / "Dockerfile").write_text("FROM base:1\nRUN echo child > /child\n")
        docker_client.images.build(path=str(child), tag="child:1", rm=True)
        listed = await client.list(BUILD, {"idempotency_key": "k-parent"})
        assert [i.id for i in listed] == [id_]
