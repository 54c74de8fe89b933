"""Invoking dbt in-process (dbtRunner) against the resolved database."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass

from . import PROJECT_DIR, StorytimeError
from .db import Target


class DbtFailure(StorytimeError):
    """dbt ran but a model or test failed (exit code 1: data, 3: infrastructure)."""


@dataclass
class DbtOutcome:
    success: bool
    results: list  # dbt node results (may be empty for run-operation)


def ensure_profile() -> None:
    profile = PROJECT_DIR / "profiles.yml"
    if not profile.exists():
        shutil.copyfile(PROJECT_DIR / "profiles.yml.example", profile)


def invoke(
    target: Target, args: list[str], dbt_vars: dict | None = None, quiet: bool = False
) -> DbtOutcome:
    """Run one dbt command; raise DbtFailure with a one-line reason when it fails."""
    from dbt.cli.main import dbtRunner

    ensure_profile()
    os.environ.update(target.env())
    full = list(args) + ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    if dbt_vars:
        full += ["--vars", json.dumps(dbt_vars, default=str)]
    if quiet:
        full = ["--quiet", *full]
    result = dbtRunner().invoke(full)
    if result.exception is not None:
        raise DbtFailure(f"dbt {args[0]} failed: {_first_line(result.exception)}")
    results = list(getattr(result.result, "results", None) or [])
    if not result.success:
        failed = [r for r in results if str(r.status) in ("error", "fail", "runtime error")]
        if failed:
            first = failed[0]
            name = getattr(first.node, "name", "?")
            reason = _first_line(first.message or first.status)
            more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
            raise DbtFailure(f"dbt {args[0]}: {name} {first.status}: {reason}{more}")
        raise DbtFailure(f"dbt {args[0]} failed")
    return DbtOutcome(success=True, results=results)


def _first_line(value) -> str:
    text = str(value).strip()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("Compilation Error", "Database Error", "Runtime Error")):
            return line
    return text.splitlines()[0] if text else "unknown error"
