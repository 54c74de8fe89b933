"""The runner's failures and their exit codes (the Airflow DAG maps them to retry or fail):

- 0 success;
- 1 DataTestFailure: the models ran but a data test failed (do not retry: the data or
  the code must be looked at);
- 2 StorytimeError: bad input or configuration (do not retry);
- 3 InfrastructureFailure: the database is unreachable, a statement timed out, a model
  failed to build, the lock was not free (retry later);
- 4 an unexpected internal error (a bug): reported on one line; retried like 3, since a
  crash is more often a transient condition than a deterministic bug.
"""

from . import StorytimeError


class DataTestFailure(StorytimeError):
    exit_code = 1


class InfrastructureFailure(StorytimeError):
    exit_code = 3


INTERNAL_ERROR = 4
