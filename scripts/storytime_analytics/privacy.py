"""COPPA (SPEC section 6): forgetting children, and the retention limit.

Both commands delete every row keyed by a set of children from every relation the
project writes, in one transaction, under the runner's advisory lock, and record the
per-relation counts (never the children's ids) in the run log. In the same transaction
they refresh the planner's statistics of every relation they cleaned (ANALYZE), so the
children's ids do not stay behind in pg_stats (most common values, histogram bounds);
a relation left empty has its column statistics cleared instead, since ANALYZE of an
empty table keeps the old ones.

The relations come from the dbt graph, not from a hand-kept list: the project is parsed
and every model, seed and snapshot that the database holds as a table (or materialized
view) with a child_profile_id column is per-child. Views hold no rows of their own and
ephemeral models have no relation. The graph is expected to declare those relations (a
documented child_profile_id column or the `per_child` tag); a mismatch between what the
graph declares and what the database holds is reported on stderr, and the relation the
database says is per-child is cleaned all the same.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from psycopg import sql

from . import PROJECT_DIR, StorytimeError, db, dbt_invoke, pipeline, runlog
from .cliutil import add_lock_wait, connected_target
from .dates import parse_date
from .errors import InfrastructureFailure

CHILD_COLUMN = "child_profile_id"
PER_CHILD_TAG = "per_child"
WRITTEN_RESOURCE_TYPES = ("model", "seed", "snapshot")
# The relation whose last_watched_at is a child's last activity (found in the graph).
ACTIVITY_MODEL = "child_viewing_histories"
BIGINT_MAX = 2**63 - 1
# A table by month's changed keys (macros/rules/changed_month_keys.sql).
CHANGED_KEYS_SUFFIX = "__changed_keys"


@dataclass(frozen=True)
class ProjectRelation:
    """A relation the dbt graph says the project writes."""

    name: str  # the dbt node name
    schema: str
    alias: str
    declared_per_child: bool  # documents a child_profile_id column or is tagged per_child


@dataclass(frozen=True)
class PerChildRelation:
    """A project relation the database holds with rows keyed by child_profile_id."""

    schema: str
    alias: str
    materialized_view: bool

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.alias}"

    @property
    def identifier(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.alias)


# -- the dbt graph -----------------------------------------------------------------------


def project_relations(target: db.Target) -> list[ProjectRelation]:
    """Every relation the project writes, from a fresh parse of the dbt project.

    The parse writes into a private target path, so it neither reads nor disturbs the
    manifest of a dbt run going on in the project folder at the same time.
    """
    from dbt.cli.main import dbtRunner

    dbt_invoke.ensure_profile()
    os.environ.update(target.env())
    with tempfile.TemporaryDirectory(prefix="storytime-parse-") as target_path:
        result = dbtRunner().invoke(
            [
                "--quiet",
                "parse",
                "--project-dir",
                str(PROJECT_DIR),
                "--profiles-dir",
                str(PROJECT_DIR),
                "--target-path",
                target_path,
            ]
        )
    manifest = result.result
    if result.exception is not None or not result.success or manifest is None:
        reason = dbt_invoke._first_line(result.exception or "see logs/dbt.log")
        raise InfrastructureFailure(f"dbt parse failed: {reason}")
    relations = []
    # Disabled models too: a slice of the ordered pass that a larger ordered_pass_slices
    # wrote keeps its table until a run drops it (macros/operations/drop_retired_relations).
    disabled = [node for nodes in manifest.disabled.values() for node in nodes]
    for node in [*manifest.nodes.values(), *disabled]:
        if str(node.resource_type) not in WRITTEN_RESOURCE_TYPES:
            continue
        if node.config.materialized == "ephemeral":
            continue
        declared = CHILD_COLUMN in node.columns or PER_CHILD_TAG in node.tags
        # a mart's build copy and, where it has one, its published copy (macros/publish)
        published = (node.config.meta or {}).get("published_schema")
        for schema in dict.fromkeys([node.schema, published or node.schema]):
            relations.append(
                ProjectRelation(
                    name=node.name,
                    schema=schema,
                    alias=node.alias or node.name,
                    declared_per_child=declared,
                )
            )
        if node.config.get("months_onward"):
            # the keys a run replaced, kept beside the build copy until it is published
            # (macros/rules/changed_month_keys.sql: changed_keys_relation)
            relations.append(
                ProjectRelation(
                    name=node.name,
                    schema=node.schema,
                    alias=f"{node.alias or node.name}{CHANGED_KEYS_SUFFIX}",
                    declared_per_child=declared,
                )
            )
    return sorted(relations, key=lambda r: (r.schema, r.alias))


def per_child_relations(
    conn: psycopg.Connection, relations: list[ProjectRelation]
) -> list[PerChildRelation]:
    """The project relations that hold rows of their own (tables, partitioned tables,
    materialized views) with a child_profile_id column, as the database has them now."""
    if not relations:
        return []
    rows = conn.execute(
        """select n.nspname, c.relname, c.relkind,
                  exists (select 1 from pg_attribute a
                          where a.attrelid = c.oid and a.attname = %s
                            and a.attnum > 0 and not a.attisdropped)
           from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
           join unnest(%s::text[], %s::text[]) as wanted (schema_name, relation_name)
             on wanted.schema_name = n.nspname and wanted.relation_name = c.relname""",
        (CHILD_COLUMN, [r.schema for r in relations], [r.alias for r in relations]),
    ).fetchall()
    found = {(schema, name): (kind, has_column) for schema, name, kind, has_column in rows}
    out = []
    for rel in relations:
        kind, has_column = found.get((rel.schema, rel.alias), (None, False))
        holds_rows = kind in ("r", "p", "m")
        if holds_rows and has_column:
            if not rel.declared_per_child:
                _warn(
                    f"{rel.schema}.{rel.alias} has a {CHILD_COLUMN} column but the dbt graph "
                    f"does not declare it per-child (document the column or tag it "
                    f"{PER_CHILD_TAG}); cleaned all the same"
                )
            out.append(PerChildRelation(rel.schema, rel.alias, materialized_view=kind == "m"))
        elif holds_rows and rel.declared_per_child:
            _warn(
                f"{rel.schema}.{rel.alias} is declared per-child but has no {CHILD_COLUMN} "
                "column in the database; nothing deleted from it"
            )
    # Materialized views last: they are refreshed from the tables cleaned before them.
    return sorted(out, key=lambda r: r.materialized_view)


def _activity_relation(relations: list[ProjectRelation]) -> ProjectRelation:
    for rel in relations:
        if rel.name == ACTIVITY_MODEL:
            return rel
    raise StorytimeError(f"the dbt project has no model {ACTIVITY_MODEL}")


def _warn(message: str) -> None:
    print(f"storytime-analytics: warning: {message}", file=sys.stderr)


# -- deleting -----------------------------------------------------------------------------


@dataclass
class Purge:
    """What a purge did (or, in a dry run, would do)."""

    children: int
    counts: dict[str, int]  # relation label -> rows
    dry_run: bool

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def purge(
    target: db.Target,
    command: str,
    choose: Callable[[psycopg.Connection, list[ProjectRelation]], list[int]],
    dry_run: bool = False,
    lock_wait: float = 600,
    message: Callable[[int], str] | None = None,
) -> Purge:
    """Delete every row of the children `choose` picks from every per-child relation, in
    one transaction under the runner's lock (so no run rewrites them halfway), and record
    the counts in the run log. A dry run only counts, takes no lock and records nothing."""
    relations = project_relations(target)
    if dry_run:
        with target.connect() as conn:
            return _purge_in_transaction(conn, relations, choose, dry_run=True)
    run = runlog.Run(command=command)
    try:
        with pipeline.exclusive_run(target, lock_wait, run), target.connect() as conn:
            result = _purge_in_transaction(conn, relations, choose, dry_run=False)
    except StorytimeError as exc:
        try:
            run.finish(target, type(exc).__name__, str(exc))
        except StorytimeError:
            pass
        raise
    except psycopg.Error as exc:
        failure = InfrastructureFailure(f"{command} failed, nothing deleted: {_first_line(exc)}")
        try:
            run.finish(target, type(failure).__name__, str(failure))
        except StorytimeError:
            pass
        raise failure from None
    run.details = dict(result.counts)
    run.finish(target, "success", message(result.children) if message else None)
    return result


def _purge_in_transaction(
    conn: psycopg.Connection,
    relations: list[ProjectRelation],
    choose: Callable[[psycopg.Connection, list[ProjectRelation]], list[int]],
    dry_run: bool,
) -> Purge:
    with conn.transaction():
        per_child = per_child_relations(conn, relations)
        children = sorted(set(choose(conn, relations)))
        counts: dict[str, int] = {}
        for rel in per_child:
            matching = sql.SQL("{} where {} = any(%s)").format(
                rel.identifier, sql.Identifier(CHILD_COLUMN)
            )
            if dry_run or rel.materialized_view:
                count = conn.execute(
                    sql.SQL("select count(*) from ") + matching, (children,)
                ).fetchone()[0]
                if not dry_run:
                    # Its rows are derived: refreshed from the tables cleaned above.
                    conn.execute(sql.SQL("refresh materialized view {}").format(rel.identifier))
                    left = conn.execute(
                        sql.SQL("select count(*) from ") + matching, (children,)
                    ).fetchone()[0]
                    if left:
                        raise StorytimeError(
                            f"{rel.label} still holds rows of these children after a refresh "
                            "(does it read the app's source?); nothing deleted"
                        )
            else:
                count = conn.execute(sql.SQL("delete from ") + matching, (children,)).rowcount
            counts[rel.label] = count
            if not dry_run:
                refresh_statistics(conn, rel)
    return Purge(children=len(children), counts=counts, dry_run=dry_run)


def refresh_statistics(conn: psycopg.Connection, rel: PerChildRelation) -> None:
    """Recompute the relation's planner statistics from the rows left, inside the purge's
    transaction: ANALYZE does not sample rows this transaction deleted, and its new
    pg_statistic rows commit with the deletes. ANALYZE of an empty relation leaves the
    old statistics in place, so a relation left empty has its column statistics
    cleared (pg_clear_attribute_stats, PostgreSQL 18+; older servers get a warning)."""
    conn.execute(sql.SQL("analyze {}").format(rel.identifier))
    if conn.execute(sql.SQL("select exists (select from {})").format(rel.identifier)).fetchone()[0]:
        return
    if conn.info.server_version < 180000:
        _warn(
            f"{rel.label} is empty and PostgreSQL {conn.info.server_version // 10000} cannot "
            "clear its column statistics (pg_stats may still show old values until rows "
            "are added and it is analyzed again)"
        )
        return
    conn.execute(
        """select pg_clear_attribute_stats(schemaname::text, tablename::text, attname::text,
                                           inherited)
           from pg_stats where schemaname = %s and tablename = %s""",
        (rel.schema, rel.alias),
    )


def _children(n: int) -> str:
    return f"{n} child" if n == 1 else f"{n} children"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def print_counts(result: Purge, heading: str) -> None:
    print(heading)
    if not result.counts:
        print("  no per-child table exists yet (nothing built)")
        return
    width = max(len(label) for label in result.counts)
    for label, count in result.counts.items():
        print(f"  {label:<{width}}  {count:>10}")
    print(f"  {'total':<{width}}  {result.total:>10}")


# -- forget-child -------------------------------------------------------------------------


def parse_child_ids(values: list[str]) -> list[int]:
    """Child profile ids as given on the command line: positive integers only."""
    ids = []
    for value in values:
        text = value.strip()
        if not re.fullmatch(r"[0-9]+", text) or not 0 < int(text) <= BIGINT_MAX:
            raise StorytimeError(f"not a child profile id (a positive integer): {value!r}")
        ids.append(int(text))
    return sorted(set(ids))


def register_forget_child(sub) -> None:
    p = sub.add_parser(
        "forget-child",
        help="delete every row of the given children from every per-child table (COPPA)",
    )
    p.add_argument("child_ids", nargs="+", metavar="ID", help="child_profile_id")
    add_lock_wait(p)
    p.set_defaults(handler=run_forget_child)


def run_forget_child(args) -> int:
    ids = parse_child_ids(args.child_ids)
    result = purge(
        connected_target(),
        "forget-child",
        lambda conn, relations: ids,
        lock_wait=args.lock_wait,
        message=lambda n: f"{_children(n)} forgotten",
    )
    print_counts(result, f"deleted the rows of {_children(result.children)}:")
    return 0


# -- retention ----------------------------------------------------------------------------


def retention_cutoff(as_of: dt.date, days: int) -> dt.datetime:
    """A child whose last activity is before this instant is past retention: activity on
    the day `days` before `as_of` (UTC) or later keeps a child."""
    return dt.datetime.combine(as_of - dt.timedelta(days=days), dt.time(), dt.timezone.utc)


def expired_children(
    conn: psycopg.Connection, relations: list[ProjectRelation], cutoff: dt.datetime
) -> list[int]:
    """Children whose latest last_watched_at in child_viewing_histories is before cutoff."""
    rel = _activity_relation(relations)
    exists = conn.execute(
        "select to_regclass(%s)",
        (sql.Identifier(rel.schema, rel.alias).as_string(conn),),
    ).fetchone()[0]
    if exists is None:
        return []
    rows = conn.execute(
        sql.SQL(
            "select {child} from {relation} group by {child} having max(last_watched_at) < %s"
        ).format(
            child=sql.Identifier(CHILD_COLUMN), relation=sql.Identifier(rel.schema, rel.alias)
        ),
        (cutoff,),
    ).fetchall()
    return [row[0] for row in rows]


def register_retention(sub) -> None:
    p = sub.add_parser(
        "retention",
        help="delete the per-child rows of children inactive for more than N days (COPPA)",
    )
    p.add_argument(
        "--days",
        required=True,
        metavar="N",
        help="keep children with activity on the day N days before --as-of or later",
    )
    p.add_argument("--as-of", help="the reference date (YYYY-MM-DD; default today, UTC)")
    p.add_argument(
        "--dry-run", action="store_true", help="print what would be deleted, delete nothing"
    )
    add_lock_wait(p)
    p.set_defaults(handler=run_retention)


def run_retention(args) -> int:
    text = str(args.days).strip()
    if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
        raise StorytimeError(f"--days must be a positive number of days: {args.days!r}")
    days = int(text)
    as_of = (
        parse_date(args.as_of, "--as-of") if args.as_of else dt.datetime.now(dt.timezone.utc).date()
    )
    cutoff = retention_cutoff(as_of, days)
    result = purge(
        connected_target(),
        "retention",
        lambda conn, relations: expired_children(conn, relations, cutoff),
        dry_run=args.dry_run,
        lock_wait=args.lock_wait,
        message=lambda n: f"{_children(n)} inactive since before {cutoff:%Y-%m-%d %H:%M} UTC",
    )
    cut = f"last activity before {cutoff:%Y-%m-%d %H:%M} UTC"
    if result.dry_run:
        heading = f"dry run: would delete the rows of {_children(result.children)} ({cut}):"
    else:
        heading = f"deleted the rows of {_children(result.children)} ({cut}):"
    print_counts(result, heading)
    return 0
