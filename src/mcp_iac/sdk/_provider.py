"""``IacProvider``: register resource types, get an iac/1 MCP server.

Registration checks everything it can up front and raises at once (``TypeError`` for the wrong
kind of thing, ``ValueError`` for a bad value), naming the type and what to change, so a
mistake shows when the module is imported rather than on the first call.

The MCP SDK (about 0.6 s to import) is loaded by :meth:`IacProvider.build` and
:meth:`IacProvider.serve` only: defining a provider and taking its :meth:`~IacProvider.service`
do not need it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from mcp_iac.core import covers, diff_paths, format_path, parse_path, split_type
from mcp_iac.protocol import ResourceTypeSchema, schema_has_path

from ._service import ProviderService, Registered
from ._types import (
    REQUIRED_METHODS,
    Example,
    HealthCheck,
    LogLevel,
    OutT,
    PropsT,
    ResourceHandler,
    TransactionHandler,
    Transport,
    TypeSpec,
)
from ._validation import describe_issues, issues_of

if TYPE_CHECKING:
    from mcp.server import MCPServer

H = TypeVar("H", bound=type)


def _is_async_callable(value: object) -> bool:
    if inspect.iscoroutinefunction(value):
        return True
    call = getattr(value, "__call__", None)  # noqa: B004  # an object with an async __call__
    return call is not None and inspect.iscoroutinefunction(call)


def _valid_segment(name: object) -> bool:
    # The provider name is a type's first segment; the type grammar decides what is valid.
    if not isinstance(name, str) or ":" in name:
        return False
    try:
        split_type(f"{name}:x")
    except ValueError:
        return False
    return True


def _first_paragraph(doc: str | None) -> str:
    text = inspect.cleandoc(doc or "")
    return " ".join(text.split("\n\n", 1)[0].split())


class IacProvider:
    """An iac/1 provider under construction: resource types and optional hooks.

    ::

        provider = IacProvider("notes", version="1.0.0")

        @provider.resource("notes:note", properties=NoteProperties, outputs=NoteOutputs,
                           replace_on_changes=["folder"])
        class Notes:
            async def create(self, ctx, props): ...
            async def read(self, id_, props): ...
            async def update(self, id_, old, new): ...
            async def delete(self, id_, props): ...
            async def list(self, idempotency_key=None): ...

        provider.serve()                  # stdio; serve(transport="http", port=8080) for HTTP

    A handler that needs arguments is registered with :meth:`add`. ``name`` is the first
    segment of every type (``notes:note``) and the MCP server's name.

    Raises:
        ValueError: ``name`` is not a type segment (letters, digits, ``-``, ``_``; starting with
            a letter) or ``version`` is empty.
    """

    def __init__(
        self,
        name: str,
        *,
        version: str,
        description: str = "",
        instructions: str | None = None,
    ) -> None:
        if not _valid_segment(name):
            raise ValueError(
                f"provider name {name!r} must be letters, digits, '-' and '_', starting with a "
                "letter (it is the first segment of every resource type)"
            )
        if not version:
            raise ValueError(f"provider '{name}': version must not be empty")
        self.name = name
        self.version = version
        self.description = description
        self.instructions = instructions
        self._types: dict[str, Registered] = {}
        self._health: HealthCheck | None = None
        self._transactions: TransactionHandler | None = None
        self._built = False

    @property
    def types(self) -> tuple[str, ...]:
        """The registered resource types, sorted."""
        return tuple(sorted(self._types))

    # --- registration -------------------------------------------------------------------

    def add(self, spec: TypeSpec[PropsT, OutT], handler: ResourceHandler[PropsT, OutT]) -> None:
        """Register resource type ``spec`` served by ``handler``.

        Raises:
            TypeError: ``spec`` is not a TypeSpec, its models are not pydantic models, or the
                handler lacks one of the async methods create, read, update, delete, list.
            ValueError: a bad or duplicate type name, a replace or secret path the schemas do
                not have, or an example the model rejects.
            RuntimeError: the provider was already built.
        """
        if self._built:
            raise RuntimeError(
                f"provider '{self.name}': cannot add '{getattr(spec, 'type', spec)}' after "
                "build(); register every type first"
            )
        if not isinstance(spec, TypeSpec):
            raise TypeError(f"provider '{self.name}': expected a TypeSpec, got {spec!r}")
        self._check_type_name(spec.type)
        subject = f"resource type '{spec.type}'"
        for role, model in (("properties", spec.properties), ("outputs", spec.outputs)):
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                raise TypeError(f"{subject}: {role} must be a pydantic model class, got {model!r}")
        _check_handler(subject, handler)
        for label, paths in (
            ("replace_on_changes", spec.replace_on_changes),
            ("secret_paths", spec.secret_paths),
        ):
            if isinstance(paths, str) or not all(isinstance(p, str) for p in paths):
                raise TypeError(f"{subject}: {label} is a sequence of path strings, got {paths!r}")
        schema = _schema(subject, spec)
        _check_paths(subject, spec, schema.properties, schema.outputs)
        for n, example in enumerate(spec.examples):
            _check_example(subject, spec, example, n)
        self._types[spec.type] = Registered(spec=spec, handler=handler)

    def resource(
        self,
        type_: str,
        *,
        properties: type[BaseModel],
        outputs: type[BaseModel],
        description: str | None = None,
        replace_on_changes: Sequence[str] = (),
        secret_paths: Sequence[str] = (),
        delete_before_replace: bool = False,
        importable: bool = True,
        examples: Sequence[Example] = (),
    ) -> Callable[[H], H]:
        """Decorator: register the decorated handler class for resource type ``type_``.

        The class is instantiated once, without arguments (use :meth:`add` for a handler that
        needs some). ``description`` defaults to the first paragraph of its docstring.

        Raises:
            TypeError: used without arguments (``@provider.resource``), on something that is
                not a class, on a class that cannot be instantiated without arguments, or any
                :meth:`add` raises.
            ValueError: as :meth:`add`.
        """
        if not isinstance(type_, str):
            raise TypeError(
                "@provider.resource needs the resource type and models: "
                "@provider.resource('notes:note', properties=..., outputs=...)"
            )

        def register(cls: H) -> H:
            if not isinstance(cls, type):
                raise TypeError(
                    f"resource type '{type_}': @provider.resource decorates a handler class, "
                    f"not {cls!r}; register functions with provider.add(spec, FunctionHandler(...))"
                )
            try:
                handler = cls()
            except TypeError as exc:
                raise TypeError(
                    f"resource type '{type_}': {cls.__name__}() failed ({exc}); a handler that "
                    "needs arguments is registered with provider.add(spec, handler)"
                ) from exc
            spec = TypeSpec(
                type=type_,
                description=description
                if description is not None
                else _first_paragraph(cls.__doc__),
                properties=properties,
                outputs=outputs,
                replace_on_changes=tuple(replace_on_changes),
                secret_paths=tuple(secret_paths),
                delete_before_replace=delete_before_replace,
                importable=importable,
                examples=tuple(examples),
            )
            self.add(spec, handler)
            return cls

        return register

    def health_check(self, check: HealthCheck) -> HealthCheck:
        """Register (or decorate) the health hook answering ``iac_health``.

        Raises:
            TypeError: ``check`` is not an async function.
            ValueError: a health hook is already registered.
        """
        if not _is_async_callable(check):
            raise TypeError(f"provider '{self.name}': the health check must be async")
        if self._health is not None:
            raise ValueError(f"provider '{self.name}': a health check is already registered")
        self._health = check
        return check

    def transactions(self, handler: TransactionHandler) -> None:
        """Offer native transactions (``iac_begin``/``iac_commit``/``iac_rollback``).

        Raises:
            TypeError: ``handler`` lacks an async begin, commit or rollback.
            ValueError: transactions are already registered.
        """
        missing = [
            m
            for m in ("begin", "commit", "rollback")
            if not _is_async_callable(getattr(handler, m, None))
        ]
        if missing:
            raise TypeError(
                f"provider '{self.name}': the transaction handler lacks async " + ", ".join(missing)
            )
        if self._transactions is not None:
            raise ValueError(f"provider '{self.name}': transactions are already registered")
        self._transactions = handler

    # --- serving -------------------------------------------------------------------------

    def service(self) -> ProviderService:
        """The iac/1 operations without MCP (arguments in, envelope out).

        Raises:
            ValueError: no resource type is registered.
        """
        if not self._types:
            raise ValueError(f"provider '{self.name}' has no resource types; register one first")
        self._built = True
        return ProviderService(
            name=self.name,
            version=self.version,
            types=self._types,
            health=self._health,
            transactions=self._transactions,
        )

    def build(self, *, log_level: LogLevel = "WARNING") -> MCPServer:
        """A new ``MCPServer`` exposing this provider's iac/1 tools. After the first build no
        more types can be added.

        ``log_level`` is passed to ``MCPServer``, which configures the root logger with it when
        nothing else has (a side effect of the MCP SDK).

        Raises:
            ValueError: no resource type is registered.
        """
        from ._mcp import build_mcp_server  # noqa: PLC0415  # see the module docstring

        return build_mcp_server(
            self.service(),
            description=self.description,
            instructions=self.instructions,
            log_level=log_level,
        )

    def serve(
        self, *, transport: Transport = "stdio", host: str = "127.0.0.1", port: int = 8000
    ) -> None:
        """Build the server and serve it until stopped (see :func:`mcp_iac.sdk.serve`)."""
        from ._serve import serve  # noqa: PLC0415  # see the module docstring

        serve(self.build(), transport=transport, host=host, port=port)

    def _check_type_name(self, type_: object) -> None:
        if not isinstance(type_, str):
            raise TypeError(f"provider '{self.name}': a resource type is a string, got {type_!r}")
        try:
            provider, _ = split_type(type_)
        except ValueError as exc:
            raise ValueError(f"provider '{self.name}': {exc}") from None
        if provider != self.name:
            raise ValueError(
                f"resource type '{type_}' must start with the provider name: '{self.name}:...'"
            )
        if type_ in self._types:
            raise ValueError(f"resource type '{type_}' is already registered")


def _check_handler(subject: str, handler: object) -> None:
    missing = [m for m in REQUIRED_METHODS if not callable(getattr(handler, m, None))]
    if missing:
        raise TypeError(
            f"{subject}: the handler {handler!r} lacks {', '.join(missing)} "
            f"(every handler has async {', '.join(REQUIRED_METHODS)})"
        )
    sync = [m for m in REQUIRED_METHODS if not _is_async_callable(getattr(handler, m))]
    if sync:
        raise TypeError(f"{subject}: handler methods must be async: {', '.join(sync)}")


def _schema(subject: str, spec: TypeSpec[Any, Any]) -> ResourceTypeSchema:
    try:
        return spec.schema()
    except Exception as exc:  # pydantic raises several kinds for models it cannot describe
        raise ValueError(f"{subject}: cannot generate JSON Schemas of its models: {exc}") from exc


def _check_paths(
    subject: str,
    spec: TypeSpec[Any, Any],
    properties: dict[str, Any],
    outputs: dict[str, Any],
) -> None:
    for label, paths, schemas in (
        ("replace_on_changes", spec.replace_on_changes, (properties,)),
        ("secret_paths", spec.secret_paths, (properties, outputs)),
    ):
        unknown = [p for p in paths if not any(schema_has_path(s, p) for s in schemas)]
        if unknown:
            where = "properties" if len(schemas) == 1 else "properties or outputs"
            raise ValueError(
                f"{subject}: {label} names paths its {where} do not have: "
                + ", ".join(repr(p) for p in unknown)
                + " (paths use the wire names, e.g. 'spec.ports[0]')"
            )


def _check_example(subject: str, spec: TypeSpec[Any, Any], example: Example, n: int) -> None:
    if not isinstance(example, Example):
        raise TypeError(f"{subject}: examples[{n}] must be an Example, got {example!r}")
    dumped: list[dict[str, Any]] = []
    for label, raw in (("properties", example.properties), ("update", example.update)):
        if raw is None:
            continue
        try:
            model = spec.properties.model_validate(raw)
        except ValidationError as exc:
            issues = describe_issues(issues_of(spec.properties, exc))
            raise ValueError(f"{subject}: examples[{n}].{label} are invalid: {issues}") from exc
        dumped.append(model.model_dump(mode="json", by_alias=True))
    if len(dumped) == 2:
        replace = [parse_path(p) for p in spec.replace_on_changes]
        forcing = [
            format_path(p)
            for p in diff_paths(dumped[0], dumped[1])
            if any(covers(r, p) or covers(p, r) for r in replace)
        ]
        if forcing:
            raise ValueError(
                f"{subject}: examples[{n}].update changes replace-on-change paths "
                f"{', '.join(forcing)}; an update example must be an in-place change"
            )
