"""Partition and index upkeep of the app's usage_events table (SPEC section 5):

- `migrate-partitions`: an unpartitioned usage_events becomes the monthly range-partitioned
  table init_source creates, copied in batches and verified before the swap;
- `indexes`: the three indexes of SPEC 5.2 on the table and on every partition, built
  without blocking writes;
- `retire-partitions`: monthly partitions older than N months are detached, then archived
  or dropped.

The SQL lives in dbt macros (macros/operations/migrate_event_partitions.sql,
ensure_event_indexes.sql, retire_event_partitions.sql), run with `dbt run-operation`
through dbt_invoke.invoke. The one exception is CREATE INDEX CONCURRENTLY, which cannot run
inside a transaction block: the macro prints those statements and this module runs them on
an autocommit connection (the macro's header says why). A macro reports with print()
lines starting with its own name; they are echoed as they come and kept for the run log.
Real runs take the runner's lock and are recorded in the run log; dry runs, like
`retention --dry-run`, take no lock and record nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import sys
import time

import psycopg

from . import StorytimeError, db, dbt_invoke, pipeline, runlog
from .cliutil import add_lock_wait, connected_target
from .dates import parse_date
from .errors import InfrastructureFailure

MIGRATE_MACRO = "migrate_event_partitions"
INDEX_MACRO = "ensure_event_indexes"
RETIRE_MACRO = "retire_event_partitions"
# The marker ensure_event_indexes puts before a statement the runner must run itself.
OUTSIDE_TRANSACTION = "run outside a transaction: "
DEFAULT_BATCH_SIZE = 50_000
# How long a statement that needs a lock on usage_events (the swap, ON ONLY, ATTACH,
# DETACH) waits for it before giving up, rather than queueing the app's statements behind
# it (var upkeep_lock_timeout of the macros).
DEFAULT_LOCK_TIMEOUT = 10.0
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


# -- running a macro ----------------------------------------------------------------------


class _Capture(io.TextIOBase):
    """Stdout while dbt runs: the macro's own lines (those starting with `prefix`) are kept
    and echoed at once; everything else (dbt's error report) is kept aside."""

    def __init__(self, prefix: str, echo) -> None:
        super().__init__()
        self.prefix = prefix
        self.echo = echo
        self.lines: list[str] = []
        self.other: list[str] = []
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            self._line(line)
        return len(text)

    def finish(self) -> None:
        if self._pending:
            self._line(self._pending)
            self._pending = ""

    def _line(self, line: str) -> None:
        clean = _ANSI.sub("", line).rstrip()
        if clean.startswith(self.prefix):
            self.lines.append(clean[len(self.prefix) :])
            if self.echo is not None:
                print(clean, file=self.echo, flush=True)
        else:
            self.other.append(clean)


def operation(
    target: db.Target,
    macro: str,
    args: dict,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    echo: bool = True,
) -> list[str]:
    """Run `dbt run-operation macro --args ...`; return the macro's printed lines (without
    the macro's name). A failure becomes one line: StorytimeError for the macro's own
    refusals (compilation errors: bad input, wrong state), InfrastructureFailure for a
    database error (a lock timeout, a lost connection)."""
    capture = _Capture(f"{macro}: ", sys.stdout if echo else None)
    try:
        with contextlib.redirect_stdout(capture):
            dbt_invoke.invoke(
                target,
                ["run-operation", macro, "--args", json.dumps(args)],
                dbt_vars={"upkeep_lock_timeout": f"{max(1, round(lock_timeout * 1000))}ms"},
                quiet=True,
            )
    # dbt_invoke reads .node on the results, which a failed run-operation's results lack
    # (AttributeError): the reason is in what dbt printed, either way.
    except (StorytimeError, AttributeError) as exc:
        capture.finish()
        failure = _dbt_error(macro, capture.other)
        if failure is not None:
            raise failure from None
        if isinstance(exc, StorytimeError):
            raise
        raise InfrastructureFailure(f"dbt run-operation {macro} failed") from exc
    capture.finish()
    return capture.lines


def _dbt_error(macro: str, lines: list[str]) -> StorytimeError | None:
    """The one-line reason in dbt's report of a failed operation, or None."""
    for number, line in enumerate(lines):
        if "Encountered an error while running operation:" not in line:
            continue
        header = line.split("running operation:", 1)[1].strip()
        detail = next(
            (
                text.strip()
                for text in lines[number + 1 :]
                if text.strip() and not text.strip().startswith(">")
            ),
            header,
        )
        if "lock timeout" in detail:
            detail += (
                " (another session held a lock on usage_events; run again, pausing the app or "
                "raising --lock-timeout: what was done is kept)"
            )
        kind = StorytimeError if header.startswith("Compilation Error") else InfrastructureFailure
        return kind(f"{macro}: {detail}")
    return None


def _recorded(target: db.Target, command: str, lock_wait: float, job) -> dict:
    """Run job() under the runner's lock and record it in the run log (success with the
    details job returns, or the failure)."""
    run = runlog.Run(command=command)
    with pipeline.exclusive_run(target, lock_wait, run):
        try:
            details = job()
        except StorytimeError as exc:
            with contextlib.suppress(StorytimeError):
                run.finish(target, type(exc).__name__, str(exc))
            raise
        run.details = details
        run.finish(target, "success")
    return details


# -- migrate-partitions -------------------------------------------------------------------


def migrate(
    target: db.Target,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    lock_wait: float = 600,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> list[str]:
    """Migrate an unpartitioned usage_events to the partitioned layout (see the macro)."""
    if batch_size < 1:
        raise StorytimeError(f"--batch-size must be a positive number of rows: {batch_size}")
    args = {"batch_size": batch_size, "dry_run": dry_run}
    if dry_run:
        return operation(target, MIGRATE_MACRO, args, lock_timeout)

    def job() -> dict:
        output = operation(target, MIGRATE_MACRO, args, lock_timeout)
        return {"batch_size": batch_size, "output": output}

    return _recorded(target, "migrate-partitions", lock_wait, job)["output"]


def register_migrate_partitions(sub) -> None:
    p = sub.add_parser(
        "migrate-partitions",
        help="convert an unpartitioned usage_events to monthly partitions (pause the app "
        "for the final swap)",
    )
    p.add_argument(
        "--batch-size",
        default=str(DEFAULT_BATCH_SIZE),
        metavar="N",
        help=f"rows copied per transaction (default {DEFAULT_BATCH_SIZE})",
    )
    p.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    _add_lock_wait(p)
    p.set_defaults(handler=run_migrate_partitions)


def run_migrate_partitions(args) -> int:
    batch_size = _positive(args.batch_size, "--batch-size", "rows")
    migrate(connected_target(), batch_size, args.dry_run, args.lock_wait, args.lock_timeout)
    return 0


# -- indexes ------------------------------------------------------------------------------


def ensure_indexes(
    target: db.Target, lock_wait: float = 600, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> dict:
    """The three indexes of SPEC 5.2 on usage_events and each of its partitions."""

    def job() -> dict:
        output = operation(target, INDEX_MACRO, {}, lock_timeout)
        statements = _outside(output)
        if not statements:
            return {"built": [], "output": output}
        built = _run_outside_transaction(target, statements)
        again = operation(target, INDEX_MACRO, {}, lock_timeout)
        left = _outside(again)
        if left:
            raise InfrastructureFailure(
                f"{len(left)} index statements still to run after building "
                f"({left[0]}); run `storytime-analytics indexes` again"
            )
        return {"built": built, "output": output + again}

    return _recorded(target, "indexes", lock_wait, job)


def _outside(lines: list[str]) -> list[str]:
    return [
        line[len(OUTSIDE_TRANSACTION) :] for line in lines if line.startswith(OUTSIDE_TRANSACTION)
    ]


def _run_outside_transaction(target: db.Target, statements: list[str]) -> list[str]:
    """Each statement on its own, on an autocommit connection (CREATE/DROP INDEX
    CONCURRENTLY refuse to run in a transaction block)."""
    done = []
    with target.connect(autocommit=True) as conn:
        conn.execute("set statement_timeout = 0")
        for statement in statements:
            started = time.monotonic()
            try:
                conn.execute(statement)
            except psycopg.Error as exc:
                reason = (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                )
                raise InfrastructureFailure(
                    f"{statement} failed: {reason} (run `storytime-analytics indexes` again: "
                    "it drops the invalid index left behind and builds it anew)"
                ) from None
            print(f"indexes: done in {time.monotonic() - started:.1f} s: {statement}", flush=True)
            done.append(statement)
    return done


def register_indexes(sub) -> None:
    p = sub.add_parser(
        "indexes",
        help="ensure the indexes of SPEC 5.2 on usage_events and its partitions (no write lock)",
    )
    _add_lock_wait(p)
    p.set_defaults(handler=run_indexes)


def run_indexes(args) -> int:
    ensure_indexes(connected_target(), args.lock_wait, args.lock_timeout)
    return 0


# -- retire-partitions --------------------------------------------------------------------


def retire(
    target: db.Target,
    keep_months: int,
    archive_schema: str | None = None,
    dry_run: bool = False,
    as_of: dt.date | None = None,
    lock_wait: float = 600,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> list[str]:
    """Detach the monthly partitions entirely older than keep_months months before the
    current month (of as_of), then move them to archive_schema or drop them."""
    _check_retire(keep_months, archive_schema, as_of)
    args = {
        "keep_months": keep_months,
        "archive_schema": archive_schema,
        "dry_run": dry_run,
        "as_of": as_of.isoformat() if as_of else None,
    }
    if dry_run:
        return operation(target, RETIRE_MACRO, args, lock_timeout)

    def job() -> dict:
        return {**args, "output": operation(target, RETIRE_MACRO, args, lock_timeout)}

    return _recorded(target, "retire-partitions", lock_wait, job)["output"]


def _check_retire(keep_months: int, archive_schema: str | None, as_of: dt.date | None) -> None:
    if keep_months < 1:
        raise StorytimeError(f"--keep-months must be at least 1: {keep_months}")
    if archive_schema is not None and not _SCHEMA_NAME.fullmatch(archive_schema):
        raise StorytimeError(
            f"--archive-schema must be a plain lower-case schema name: {archive_schema!r}"
        )
    today = dt.datetime.now(dt.timezone.utc).date()
    if as_of is not None and as_of > today:
        raise StorytimeError(f"--as-of {as_of} is after today ({today}, UTC)")


def register_retire_partitions(sub) -> None:
    p = sub.add_parser(
        "retire-partitions",
        help="detach usage_events partitions older than N months, then archive or drop them",
    )
    p.add_argument(
        "--keep-months",
        required=True,
        metavar="N",
        help="keep the current month and the N months before it (N >= 1)",
    )
    p.add_argument(
        "--archive-schema",
        metavar="S",
        help="move the detached partitions into this schema instead of dropping them",
    )
    p.add_argument("--as-of", help="the reference date (YYYY-MM-DD; default today, UTC)")
    p.add_argument("--dry-run", action="store_true", help="print what would happen, change nothing")
    _add_lock_wait(p)
    p.set_defaults(handler=run_retire_partitions)


def run_retire_partitions(args) -> int:
    keep = _positive(args.keep_months, "--keep-months", "months")
    as_of = parse_date(args.as_of, "--as-of") if args.as_of else None
    _check_retire(keep, args.archive_schema, as_of)  # before touching the database
    retire(
        connected_target(),
        keep,
        args.archive_schema,
        args.dry_run,
        as_of,
        args.lock_wait,
        args.lock_timeout,
    )
    return 0


# -- shared -------------------------------------------------------------------------------


def _positive(value, option: str, unit: str) -> int:
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
        raise StorytimeError(f"{option} must be a positive number of {unit}: {value!r}")
    return int(text)


def _add_lock_wait(p) -> None:
    add_lock_wait(p)
    p.add_argument(
        "--lock-timeout",
        type=float,
        default=DEFAULT_LOCK_TIMEOUT,
        metavar="SECONDS",
        help="how long a change waits for a lock on usage_events before giving up "
        f"(default {DEFAULT_LOCK_TIMEOUT:g})",
    )
