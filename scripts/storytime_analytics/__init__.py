"""Storytime analytics: the thin runner around the dbt project."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


class StorytimeError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits non-zero."""

    exit_code = 2
