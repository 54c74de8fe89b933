-- Fault injection (tests/test_publishing.py): with STORYTIME_INJECT_TEST_FAILURE set, every
-- row of daily_book_metrics is a failure; without it (every real run), none. It stands for
-- a data test that catches a bug: the run it fails must publish nothing.
select
    book_id,
    metric_date
from {{ ref('daily_book_metrics') }}
where {{ 'true' if env_var('STORYTIME_INJECT_TEST_FAILURE', '') else 'false' }}
