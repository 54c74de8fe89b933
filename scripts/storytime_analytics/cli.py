"""storytime-analytics: the command line of the Storytime analytics runner."""

from __future__ import annotations

import argparse
import sys

from . import StorytimeError, commands


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


if __name__ == "__main__":
    sys.exit(main())
