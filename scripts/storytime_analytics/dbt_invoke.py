"""Invoking dbt in-process (dbtRunner) against the resolved database."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass

from . import PROJECT_DIR
from .db import Target
from .errors import DataTestFailure, InfrastructureFailure


@dataclass
class DbtOutcome:
    success: bool
    results: list  # dbt node results (may be empty for run-operation)


def ensure_profile() -> None:
    profile = PROJECT_DIR / "profiles.yml"
    if not profile.exists():
        shutil.copyfile(PROJECT_DIR / "profiles.yml.example", profile)


# What a job's run processes and how, read by the macros at execution time only
# (macros/rules/processing_range.sql, job_setting.sql): unlike --vars, changing them does
# not make dbt parse the whole project again, so every job of the runner reuses one parse.
RUN_ENV = {
    "start_date": "STORYTIME_RUN_START_DATE",
    "end_date": "STORYTIME_RUN_END_DATE",
    "received_through": "STORYTIME_RUN_RECEIVED_THROUGH",
    # the job a backfill's invocations belong to (macros/publish/publish.sql)
    "job": "STORYTIME_RUN_JOB",
    # the vars of the same name (job_setting): the daily job's and a backfill's differ
    "statement_timeout_seconds": "STORYTIME_RUN_STATEMENT_TIMEOUT_SECONDS",
    "manage_partitions": "STORYTIME_RUN_MANAGE_PARTITIONS",
}


def invoke(
    target: Target,
    args: list[str],
    dbt_vars: dict | None = None,
    quiet: bool = False,
    run: dict | None = None,
) -> DbtOutcome:
    """Run one dbt command; raise a one-line DataTestFailure or InfrastructureFailure.
    `run`: the job's start_date, end_date (and received_through), passed as RUN_ENV."""
    from dbt.cli.main import dbtRunner

    ensure_profile()
    os.environ.update(target.env())
    full = list(args) + ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    if dbt_vars:
        full += ["--vars", json.dumps(dbt_vars, default=str)]
    if quiet:
        full = ["--quiet", *full]
    run_env = {
        RUN_ENV[k]: str(v).lower() if isinstance(v, bool) else str(v)
        for k, v in (run or {}).items()
        if v is not None
    }
    os.environ.update(run_env)
    try:
        result = dbtRunner().invoke(full)
    finally:
        for name in run_env:
            os.environ.pop(name, None)
    dates = {**(dbt_vars or {}), **(run or {})}
    where = f" for {dates['start_date']}..{dates['end_date']}" if "start_date" in dates else ""
    if result.exception is not None:
        raise InfrastructureFailure(f"dbt {args[0]}{where} failed: {_first_line(result.exception)}")
    results = list(getattr(result.result, "results", None) or [])
    if not result.success:
        errors = [r for r in results if str(r.status) in ("error", "runtime error")]
        failures = [r for r in results if str(r.status) == "fail"]
        for group, kind in ((errors, InfrastructureFailure), (failures, DataTestFailure)):
            if group:
                first = group[0]
                name = getattr(getattr(first, "node", None), "name", args[0])
                reason = _first_line(first.message or first.status)
                if "statement timeout" in reason:
                    reason += " (raise --statement-timeout)"
                more = f" (and {len(group) - 1} more)" if len(group) > 1 else ""
                # a build that fails publishes nothing (macros/publish/publish.sql)
                held = "; nothing published" if args[0] == "build" else ""
                raise kind(f"dbt {args[0]}{where}: {name} {first.status}: {reason}{more}{held}")
        raise InfrastructureFailure(f"dbt {args[0]}{where} failed")
    return DbtOutcome(success=True, results=results)


def _first_line(value) -> str:
    text = str(value).strip()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("Compilation Error", "Database Error", "Runtime Error")):
            return line
    return text.splitlines()[0] if text else "unknown error"
