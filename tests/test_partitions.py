"""Partition and index upkeep of usage_events (SPEC section 5): migrating an unpartitioned
table without losing a row, the three indexes built without a write lock, and retiring
old monthly partitions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from storytime_analytics import StorytimeError, cli, generate, partition_upkeep, runlog
from storytime_analytics.errors import InfrastructureFailure

from .support import Warehouse

WANTED = {
    ("child_profile_id", "book_id", "occurred_at"),
    ("book_id", "occurred_at"),
    ("event_type", "occurred_at"),
}
PLAIN_USAGE_EVENTS = """
    create table public.usage_events (
        id bigint not null, child_profile_id bigint, book_id bigint, event_type text,
        position_seconds integer, occurred_at timestamptz,
        created_at timestamptz not null default now(), metadata jsonb)
"""


def query(wh: Warehouse, sql: str, params=None) -> list[tuple]:
    with wh.target.connect() as conn:
        return conn.execute(sql, params).fetchall()


def relkind(wh: Warehouse, name: str) -> str | None:
    rows = query(wh, "select relkind::text from pg_class where oid = to_regclass(%s)", (name,))
    return rows[0][0] if rows else None


def months(wh: Warehouse, table: str) -> list[tuple]:
    """Rows and a checksum per month of occurred_at."""
    return query(
        wh,
        f"""select to_char(occurred_at at time zone 'UTC', 'YYYY-MM'), count(*),
                   sum(hashtext(t::text)::bigint)
            from public.{table} as t group by 1 order by 1""",
    )


def partitions(wh: Warehouse, schema: str = "public") -> dict[str, int]:
    """Every table named usage_events_y... or usage_events_default in schema, with its rows."""
    names = [
        r[0]
        for r in query(
            wh,
            """select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = %s and c.relkind = 'r'
                 and c.relname ~ '^usage_events_(y[0-9]{4}m[0-9]{2}|default)$'""",
            (schema,),
        )
    ]
    return {
        name: query(wh, f'select count(*) from "{schema}"."{name}"')[0][0] for name in sorted(names)
    }


def attached_partitions(wh: Warehouse) -> set[str]:
    return {
        r[0]
        for r in query(
            wh,
            "select inhrelid::regclass::text from pg_inherits"
            " where inhparent = 'public.usage_events'::regclass",
        )
    }


def index_columns(wh: Warehouse, relation: str) -> dict[tuple, list[tuple]]:
    """Key columns -> [(index, valid, the parent index it is attached to)] of relation."""
    out: dict[tuple, list[tuple]] = {}
    for name, valid, cols, parent in query(
        wh,
        """select i.indexrelid::regclass::text, i.indisvalid,
                  array(select a.attname::text
                        from unnest(i.indkey::int2[]) with ordinality as k (attnum, ord)
                        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                        order by k.ord),
                  (select h.inhparent::regclass::text from pg_inherits h
                   where h.inhrelid = i.indexrelid)
           from pg_index i where i.indrelid = %s::regclass""",
        (relation,),
    ):
        out.setdefault(tuple(cols), []).append((name, valid, parent))
    return out


def run_log(wh: Warehouse) -> list[tuple]:
    return query(
        wh,
        f"select command, outcome, message from {runlog.ops_schema()}.run_log order by run_id",
    )


def cli_run(monkeypatch, capsys, wh: Warehouse | None, argv: list[str]) -> tuple[int, str, str]:
    if wh is not None:
        monkeypatch.setenv("STORYTIME_DATABASE_URL", wh.target.conninfo)
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# -- migrate-partitions -------------------------------------------------------------------

FIRST = dt.date(2026, 1, 20)
DAYS = 20
LAST = FIRST + dt.timedelta(days=DAYS - 1)


def test_migration_keeps_every_row_and_the_models_build_on_it(warehouse):
    wh = warehouse
    wh.execute("drop table public.usage_events")
    wh.execute(PLAIN_USAGE_EVENTS)
    with wh.target.connect() as conn:
        generate.generate(conn, "public", FIRST, DAYS, children=30, books=8, seed=5)
    # On the plain table the indexes are built concurrently on the table itself.
    built = partition_upkeep.ensure_indexes(wh.target)["built"]
    assert len(built) == 3 and all(s.startswith("create index concurrently") for s in built)
    assert WANTED <= set(index_columns(wh, "public.usage_events"))
    wh.build(FIRST, LAST)  # the staging views now read the plain table
    published = wh.published()
    per_month = months(wh, "usage_events")
    rows = query(wh, "select * from public.usage_events order by id")
    assert len(per_month) == 2 and len(rows) > 10_000

    partition_upkeep.migrate(wh.target, batch_size=3000, dry_run=True)
    assert relkind(wh, "public.usage_events") == "r"
    assert relkind(wh, "public.usage_events_partitioned") is None

    output = partition_upkeep.migrate(wh.target, batch_size=3000)
    assert relkind(wh, "public.usage_events") == "p"
    assert relkind(wh, "public.usage_events_unpartitioned") == "r"
    assert any(f"in {-(-len(rows) // 3000)} batches" in line for line in output)
    # Every row survived, in its month's partition; the old table is untouched.
    assert months(wh, "usage_events") == per_month
    assert months(wh, "usage_events_unpartitioned") == per_month
    assert query(wh, "select * from public.usage_events order by id") == rows
    in_partitions = partitions(wh)
    assert in_partitions["usage_events_default"] == 0
    assert in_partitions["usage_events_y2026m01"] + in_partitions["usage_events_y2026m02"] == len(
        rows
    )
    assert attached_partitions(wh) == set(in_partitions)
    columns = index_columns(wh, "public.usage_events")
    assert WANTED | {("created_at",)} <= set(columns)
    assert [r[:2] for r in run_log(wh)] == [
        ("indexes", "success"),
        ("migrate-partitions", "success"),
    ]

    # The views were re-pointed: the old table drops without cascade, and the models
    # build the same numbers from the partitioned table.
    wh.execute("drop table public.usage_events_unpartitioned")
    wh.build(FIRST, LAST)
    assert wh.published() == published

    # A second migration refuses, in one line.
    with pytest.raises(StorytimeError, match="already partitioned"):
        partition_upkeep.migrate(wh.target)
    assert run_log(wh)[-1][1] == "StorytimeError"


def test_an_interrupted_migration_resumes_and_copies_changed_months_again(warehouse):
    wh = warehouse
    wh.execute("drop table public.usage_events")
    wh.execute(PLAIN_USAGE_EVENTS)
    with wh.target.connect() as conn:
        generate.generate(conn, "public", FIRST, DAYS, children=10, books=5, seed=9)
    total = query(wh, "select count(*) from public.usage_events")[0][0]

    # A session holds a lock the swap needs: the copy completes, the swap gives up.
    with wh.target.connect() as blocker:
        blocker.execute("lock table public.usage_events in share mode")
        with pytest.raises(InfrastructureFailure, match="lock timeout"):
            partition_upkeep.migrate(wh.target, batch_size=5000, lock_timeout=0.2)
        blocker.rollback()
    assert relkind(wh, "public.usage_events") == "r"
    assert query(wh, "select count(*) from public.usage_events_partitioned")[0][0] == total
    assert run_log(wh)[-1][:2] == ("migrate-partitions", "InfrastructureFailure")

    # Meanwhile the app changed rows behind the copy: one updated in January, the highest
    # id (in February) deleted, one committed late with an id below those copied.
    wh.execute(
        """update public.usage_events set metadata = '{"edited": true}'
           where id = (select min(id) from public.usage_events where occurred_at < '2026-02-01')"""
    )
    wh.execute(
        "delete from public.usage_events where id = (select max(id) from public.usage_events)"
    )
    wh.execute(
        """insert into public.usage_events (id, child_profile_id, book_id, event_type,
                                            position_seconds, occurred_at)
           values (0, 1, 1, 'play_start', 0, '2026-01-25 10:00+00')"""
    )
    assert query(wh, "select max(occurred_at) >= '2026-02-01' from public.usage_events")[0][0]
    rows = query(wh, "select * from public.usage_events order by id")

    output = partition_upkeep.migrate(wh.target, batch_size=5000)
    assert any(line.startswith("resuming") for line in output)
    assert any("copied again: 2026-01, 2026-02)" in line for line in output)
    assert relkind(wh, "public.usage_events") == "p"
    assert query(wh, "select * from public.usage_events order by id") == rows
    assert months(wh, "usage_events") == months(wh, "usage_events_unpartitioned")


def test_migrate_refuses_a_partitioned_table_in_one_line(warehouse, monkeypatch, capsys):
    code, out, err = cli_run(monkeypatch, capsys, warehouse, ["migrate-partitions", "--dry-run"])
    assert code == 2
    assert err.count("\n") == 1
    assert "usage_events is already partitioned; nothing to migrate" in err
    assert relkind(warehouse, "public.usage_events_partitioned") is None


# -- indexes ------------------------------------------------------------------------------


def test_indexes_are_rebuilt_per_partition_and_idempotent(warehouse):
    wh = warehouse
    wh.execute("drop index public.usage_events_book_id_occurred_at_idx")
    # An equivalent index under another name is recognised and attached, not rebuilt.
    wh.execute("create index by_book_feb on public.usage_events_y2026m02 (book_id, occurred_at)")
    parts = attached_partitions(wh)

    first = partition_upkeep.ensure_indexes(wh.target)
    assert first["built"]
    assert all(
        s.startswith("create index concurrently on public.usage_events_") for s in first["built"]
    )
    assert len(first["built"]) == len(parts) - 1
    assert not any("y2026m02" in s for s in first["built"])

    def check() -> dict:
        parent = index_columns(wh, "public.usage_events")
        for cols in WANTED:
            assert len(parent[cols]) == 1 and parent[cols][0][1], cols  # one, and valid
            parent_index = parent[cols][0][0]
            for part in parts:
                attached = [i for i in index_columns(wh, f"public.{part}")[cols] if i[2]]
                assert [i[2] for i in attached] == [parent_index], (part, cols)
                assert attached[0][1]
        return {part: index_columns(wh, f"public.{part}") for part in parts}

    state = check()
    assert ("by_book_feb", True, "usage_events_book_id_occurred_at_idx") in state[
        "usage_events_y2026m02"
    ][("book_id", "occurred_at")]

    second = partition_upkeep.ensure_indexes(wh.target)
    assert second["built"] == []
    assert check() == state
    assert [r[:2] for r in run_log(wh)] == [("indexes", "success")] * 2


# -- retire-partitions --------------------------------------------------------------------


def test_retiring_detaches_only_the_old_months(warehouse):
    wh = warehouse
    with wh.target.connect() as conn:  # 2025-12-20 .. 2026-01-08
        generate.generate(conn, "public", dt.date(2025, 12, 20), 20, children=20, books=6, seed=7)
    before = partitions(wh)
    assert before["usage_events_y2025m12"] > 0 and before["usage_events_y2026m01"] > 0
    as_of = dt.date(2026, 3, 10)  # keep 2 months: 2026-01 on
    old = ["usage_events_y2025m10", "usage_events_y2025m11", "usage_events_y2025m12"]

    dry = partition_upkeep.retire(wh.target, 2, "events_archive", dry_run=True, as_of=as_of)
    would = [line for line in dry if "would detach" in line]
    assert [re.search(r"detach public\.(\S+)", line).group(1) for line in would] == old
    for name, line in zip(old, would, strict=True):
        assert f"{before[name]} rows, and move it to events_archive.{name}" in line
    assert "[2025-12-01, 2026-01-01)" in would[-1]
    assert partitions(wh) == before
    assert query(wh, "select to_regnamespace('events_archive')") == [(None,)]

    partition_upkeep.retire(wh.target, 2, "events_archive", as_of=as_of)
    kept = {name: n for name, n in before.items() if name not in old}
    assert partitions(wh) == kept
    assert attached_partitions(wh) == set(kept)
    assert partitions(wh, "events_archive") == {name: before[name] for name in old}

    # Keeping one month drops January (its rows with it); the rest does not move.
    partition_upkeep.retire(wh.target, 1, as_of=as_of)
    kept.pop("usage_events_y2026m01")
    assert partitions(wh) == kept
    assert query(wh, "select count(*) from public.usage_events")[0][0] == sum(kept.values())
    assert [r[:2] for r in run_log(wh)] == [("retire-partitions", "success")] * 2

    # With today's clock: only months that ended before the kept ones, never the
    # current month, the months after it, or the default partition.
    today = dt.datetime.now(dt.timezone.utc).date()
    number = today.year * 12 + today.month - 1 - 2
    cutoff = dt.date(number // 12, number % 12 + 1, 1)
    listed = [
        re.search(r"would detach public\.(\S+)", line).group(1)
        for line in partition_upkeep.retire(wh.target, 2, dry_run=True)
        if "would detach" in line
    ]
    expected = [
        name
        for name in kept
        if name != "usage_events_default"
        and (dt.date(int(name[14:18]), int(name[19:21]), 1) + dt.timedelta(days=32)).replace(day=1)
        <= cutoff
    ]
    assert listed == expected
    assert f"usage_events_y{today:%Y}m{today:%m}" not in listed


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["retire-partitions", "--keep-months", "0"], "--keep-months must be a positive"),
        (["retire-partitions", "--keep-months", "two"], "--keep-months must be a positive"),
        (
            ["retire-partitions", "--keep-months", "2", "--archive-schema", "Old-Events"],
            "--archive-schema must be a plain",
        ),
        (["retire-partitions", "--keep-months", "2", "--as-of", "2999-01-01"], "after today"),
        (["migrate-partitions", "--batch-size", "0"], "--batch-size must be a positive"),
    ],
)
def test_bad_input_is_one_line_before_touching_the_database(monkeypatch, capsys, argv, fragment):
    # An unreachable database: the arguments are checked first.
    monkeypatch.setenv("STORYTIME_DATABASE_URL", "host=/nonexistent dbname=none")
    code, out, err = cli_run(monkeypatch, capsys, None, argv)
    assert code == 2
    assert err.count("\n") == 1 and fragment in err
    assert out == ""
