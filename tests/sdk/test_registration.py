"""Registering resource types: the decorator and call forms, and loud failures on misuse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from mcp_iac.sdk import Example, FunctionHandler, IacProvider, TypeSpec

from .memo import MEMO, MemoHandler, MemoOutputs, MemoProperties


def spec(**changes: Any) -> TypeSpec[Any, Any]:
    fields = {
        "type": "memo:note",
        "description": "d",
        "properties": MemoProperties,
        "outputs": MemoOutputs,
        **changes,
    }
    return TypeSpec(**fields)


def test_the_decorator_registers_a_handler_class_with_its_docstring_as_description() -> None:
    provider = IacProvider("memo", version="1")

    @provider.resource(
        "memo:note", properties=MemoProperties, outputs=MemoOutputs, replace_on_changes=["shelf"]
    )
    class Notes(MemoHandler):
        """Notes in memory.

        More detail that is not the description.
        """

    assert provider.types == ("memo:note",)
    (schema,) = provider.service().schema.types
    assert schema.description == "Notes in memory."
    assert schema.replace_on_changes == ("shelf",)
    assert isinstance(Notes(), MemoHandler)  # the class itself is returned unchanged


def test_functions_can_be_registered_as_a_handler() -> None:
    handler = MemoHandler()
    provider = IacProvider("memo", version="1")
    provider.add(
        MEMO,
        FunctionHandler(
            create=handler.create,
            read=handler.read,
            update=handler.update,
            delete=handler.delete,
            list=handler.list,
        ),
    )
    assert provider.types == ("memo:note",)


@pytest.mark.parametrize(
    ("name", "version", "message"),
    [
        ("My Provider", "1", "provider name 'My Provider' must be letters"),
        ("a:b", "1", "provider name 'a:b' must be"),
        ("9lives", "1", "provider name '9lives' must be"),
        ("memo", "", "provider 'memo': version must not be empty"),
    ],
)
def test_a_bad_provider_name_or_version_is_refused(name: str, version: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IacProvider(name, version=version)


@pytest.mark.parametrize(
    ("type_", "message"),
    [
        ("memo", "'memo' is not a resource type"),
        ("memo:a b", "'memo:a b' is not a resource type"),
        ("other:note", "must start with the provider name: 'memo:...'"),
    ],
)
def test_a_bad_type_name_is_refused(type_: str, message: str) -> None:
    provider = IacProvider("memo", version="1")
    with pytest.raises(ValueError, match=message):
        provider.add(spec(type=type_), MemoHandler())


def test_a_type_cannot_be_registered_twice() -> None:
    provider = IacProvider("memo", version="1")
    provider.add(spec(), MemoHandler())
    with pytest.raises(ValueError, match="resource type 'memo:note' is already registered"):
        provider.add(spec(), MemoHandler())


def test_a_handler_must_have_every_operation_and_they_must_be_async() -> None:
    class NoListOrDelete:
        async def create(self, ctx: object, props: object) -> None: ...
        async def read(self, id_: str, props: object) -> None: ...
        async def update(self, id_: str, old: object, new: object) -> None: ...

    class SyncRead(MemoHandler):
        def read(self, id_: str, props: object) -> None:  # type: ignore[override]  # the mistake under test
            return None

    provider = IacProvider("memo", version="1")
    with pytest.raises(TypeError, match=r"lacks delete, list \(every handler has async create"):
        provider.add(spec(), NoListOrDelete())  # type: ignore[arg-type]  # the mistake under test
    with pytest.raises(TypeError, match="handler methods must be async: read"):
        provider.add(spec(), SyncRead())


def test_models_must_be_pydantic_model_classes() -> None:
    provider = IacProvider("memo", version="1")
    with pytest.raises(TypeError, match="properties must be a pydantic model class"):
        provider.add(spec(properties=dict), MemoHandler())
    with pytest.raises(TypeError, match="outputs must be a pydantic model class"):
        provider.add(spec(outputs=object()), MemoHandler())
    with pytest.raises(TypeError, match="expected a TypeSpec"):
        provider.add("memo:note", MemoHandler())  # type: ignore[arg-type]  # the mistake under test


def test_replace_and_secret_paths_must_exist_in_the_schemas() -> None:
    provider = IacProvider("memo", version="1")
    with pytest.raises(
        ValueError, match=r"replace_on_changes names paths its properties do not have: 'colour'"
    ):
        provider.add(spec(replace_on_changes=("colour",)), MemoHandler())
    # An output path is not a property: it cannot force a replace.
    with pytest.raises(ValueError, match="'length'"):
        provider.add(spec(replace_on_changes=("length",)), MemoHandler())
    with pytest.raises(
        ValueError, match=r"secret_paths names paths its properties or outputs do not have: 'pin'"
    ):
        provider.add(spec(secret_paths=("pin",)), MemoHandler())
    with pytest.raises(
        TypeError, match="replace_on_changes is a sequence of path strings, got 'shelf'"
    ):
        provider.add(spec(replace_on_changes="shelf"), MemoHandler())
    # Beneath free-form values any path is accepted; secret paths may name outputs.
    provider.add(
        spec(replace_on_changes=("labels.zone",), secret_paths=("receipt",)), MemoHandler()
    )


def test_examples_must_be_valid_and_updates_must_be_in_place() -> None:
    provider = IacProvider("memo", version="1")
    with pytest.raises(ValueError, match=r"examples\[0\].properties are invalid: property 'text'"):
        provider.add(spec(examples=(Example(properties={}),)), MemoHandler())
    with pytest.raises(ValueError, match=r"examples\[0\].update are invalid"):
        provider.add(
            spec(examples=(Example(properties={"text": "a"}, update={"text": 3}),)), MemoHandler()
        )
    moved = Example(properties={"text": "a"}, update={"text": "a", "shelf": "b"})
    with pytest.raises(ValueError, match=r"update changes replace-on-change paths shelf"):
        provider.add(spec(replace_on_changes=("shelf",), examples=(moved,)), MemoHandler())


def test_the_decorator_refuses_misuse() -> None:
    provider = IacProvider("memo", version="1")
    with pytest.raises(TypeError, match="missing 2 required keyword-only arguments"):
        provider.resource(MemoHandler)  # type: ignore[call-arg, arg-type]  # bare @provider.resource
    with pytest.raises(TypeError, match="needs the resource type and models"):
        provider.resource(MemoHandler, properties=MemoProperties, outputs=MemoOutputs)  # type: ignore[arg-type]  # the mistake under test
    decorate = provider.resource("memo:note", properties=MemoProperties, outputs=MemoOutputs)
    with pytest.raises(TypeError, match="decorates a handler class"):
        decorate(MemoHandler())  # type: ignore[type-var]  # the mistake under test

    class NeedsArgs(MemoHandler):
        def __init__(self, store: object) -> None:
            super().__init__()

    with pytest.raises(TypeError, match=r"registered with provider.add\(spec, handler\)"):
        decorate(NeedsArgs)


def test_nothing_can_be_added_after_a_build() -> None:
    provider = IacProvider("memo", version="1")
    provider.add(spec(), MemoHandler())
    provider.build()
    with pytest.raises(RuntimeError, match="cannot add 'memo:other' after build"):
        provider.add(spec(type="memo:other"), MemoHandler())


def test_hooks_must_be_async_and_registered_once() -> None:
    provider = IacProvider("memo", version="1")

    def sync_check() -> None: ...

    with pytest.raises(TypeError, match="the health check must be async"):
        provider.health_check(sync_check)  # type: ignore[arg-type]  # the mistake under test

    async def check() -> Any: ...

    provider.health_check(check)
    with pytest.raises(ValueError, match="a health check is already registered"):
        provider.health_check(check)

    class HalfTransactions:
        async def begin(self) -> str:
            return "t"

    with pytest.raises(TypeError, match="lacks async commit, rollback"):
        provider.transactions(HalfTransactions())  # type: ignore[arg-type]  # the mistake under test


def test_models_pydantic_cannot_describe_are_refused() -> None:
    class Weird:
        pass

    class Bad(BaseModel):
        model_config = {"arbitrary_types_allowed": True}
        thing: Weird

    provider = IacProvider("memo", version="1")
    with pytest.raises(ValueError, match="cannot generate JSON Schemas of its models"):
        provider.add(spec(properties=Bad), MemoHandler())


def test_a_provider_is_defined_and_its_service_built_without_importing_the_mcp_sdk() -> None:
    # building the MCP server is the only step that needs the SDK (about 0.6 s to import)
    probe = (
        "import sys\n"
        "from mcp_iac.sdk import IacProvider, LogLevel, Transport\n"
        "from tests.sdk.memo import MEMO, MemoHandler\n"
        "provider = IacProvider('memo', version='1')\n"
        "provider.add(MEMO, MemoHandler())\n"
        "assert provider.service().schema.types\n"
        "print('mcp' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        check=False,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        timeout=60,
    )
    assert run.stdout.strip() == "False", run.stdout + run.stderr
