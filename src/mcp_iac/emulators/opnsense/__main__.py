"""Serve an emulated OPNsense: ``python -m mcp_iac.emulators.opnsense [--port N] ...``.

Prints the URL once it answers and serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from ._emulator import OpnsenseEmulator
from ._versions import SUPPORTED_VERSIONS


def _key_pair(text: str) -> tuple[str, str]:
    key, sep, secret = text.partition(":")
    if not sep or not key or not secret:
        raise argparse.ArgumentTypeError("expected KEY:SECRET")
    return key, secret


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until stopped."""
    parser = argparse.ArgumentParser(
        prog="python -m mcp_iac.emulators.opnsense",
        description="Serve an emulated OPNsense REST API on a loopback port.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    parser.add_argument(
        "--version", default="26.1", choices=SUPPORTED_VERSIONS, help="firmware (default: 26.1)"
    )
    parser.add_argument("--key", default="key", help="API key (default: key)")
    parser.add_argument("--secret", default="secret", help="API secret (default: secret)")
    parser.add_argument(
        "--readonly-key",
        type=_key_pair,
        action="append",
        default=[],
        metavar="KEY:SECRET",
        help="an extra key that may only GET (repeatable)",
    )
    parser.add_argument("--no-tls", action="store_true", help="serve plain HTTP")
    parser.add_argument("--no-haproxy", action="store_true", help="without the HAProxy plugin")
    parser.add_argument("--state", type=Path, default=None, help="keep the configuration here")
    parser.add_argument("--ca-out", type=Path, default=None, help="copy the CA certificate here")
    args = parser.parse_args(argv)
    try:
        emulator = OpnsenseEmulator(
            version=args.version,
            api_key=args.key,
            api_secret=args.secret,
            tls=not args.no_tls,
            host=args.host,
            port=args.port,
            state_file=args.state,
            plugins=frozenset() if args.no_haproxy else frozenset({"haproxy"}),
        )
    except ValueError as exc:
        parser.error(str(exc))
    for key, secret in args.readonly_key:
        emulator.add_api_key(key, secret, privileges="read-only")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with emulator:
        if args.ca_out is not None and emulator.ca_bundle is not None:
            args.ca_out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(emulator.ca_bundle, args.ca_out)
        print(f"OPNsense {args.version} emulator serving on {emulator.url}", flush=True)
        stop.wait()
    sys.stderr.flush()


if __name__ == "__main__":
    main()
