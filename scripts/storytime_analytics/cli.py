"""storytime-analytics: the command line of the Storytime analytics runner."""

from __future__ import annotations

import argparse
import sys

import psycopg

from . import StorytimeError, commands
from .errors import INTERNAL_ERROR, InfrastructureFailure


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storytime-analytics",
        description="Pre-aggregated playback analytics for Storytime (dbt + PostgreSQL).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in commands.REGISTRY:
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except StorytimeError as exc:
        print(f"storytime-analytics: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("storytime-analytics: interrupted", file=sys.stderr)
        return 130
    except psycopg.OperationalError as exc:  # the database went away mid-run: retryable
        print(f"storytime-analytics: error: database failure: {_first_line(exc)}", file=sys.stderr)
        return InfrastructureFailure.exit_code
    except Exception as exc:  # a bug: still one line, and a code of its own
        print(
            f"storytime-analytics: internal error: {type(exc).__name__}: {_first_line(exc)}",
            file=sys.stderr,
        )
        return INTERNAL_ERROR


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


if __name__ == "__main__":
    sys.exit(main())
