"""Small pieces every command module shares."""

from __future__ import annotations

from . import db


def connected_target() -> db.Target:
    """The database the environment names (or the embedded one), checked reachable."""
    target = db.resolve()
    with target.connect():
        pass
    return target


def add_lock_wait(parser) -> None:
    parser.add_argument(
        "--lock-wait",
        type=float,
        default=600,
        metavar="SECONDS",
        help="how long to wait for another run to finish (default 600)",
    )
