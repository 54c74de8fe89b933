"""Fixtures: the embedded PostgreSQL (or the server the environment names) and a private
database per test cloned from a template holding the source tables."""

from __future__ import annotations

import os

import pytest
from storytime_analytics import PROJECT_DIR, db

# Under pytest-xdist (make test), each worker has its own dbt target and log folders: two
# dbt processes sharing target/ would overwrite each other's manifest and run results.
if "PYTEST_XDIST_WORKER" in os.environ:
    _worker = os.environ["PYTEST_XDIST_WORKER"]
    os.environ.setdefault("DBT_TARGET_PATH", str(PROJECT_DIR / "target" / f"pytest-{_worker}"))
    os.environ.setdefault("DBT_LOG_PATH", str(PROJECT_DIR / "logs" / f"pytest-{_worker}"))

from .support import Warehouse, create_template


@pytest.fixture(scope="session")
def server() -> db.Target:
    target = db.resolve()
    create_template(target)
    return target


@pytest.fixture
def warehouse(server):
    wh = Warehouse(server)
    yield wh
    wh.drop()


@pytest.fixture(scope="session")
def dashboard_warehouse(server):
    """The dashboard scenario (tests/scenarios/dashboard.py) built once with the default
    vars (no payout system), shared by the access and HTML dashboard tests."""
    from .scenarios.dashboard import INPUTS, build

    wh = Warehouse(server)
    try:
        wh.load(INPUTS)
        build(wh.target)
        yield wh
    finally:
        wh.drop()
