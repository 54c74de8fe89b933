-- Per book and window (the last 7 and the last 30 days up to the dashboards' "today"):
-- minutes, plays (all, with a known duration, valid), completions, completion rate and
-- distinct children. Counts and seconds are sums of the book's days in the window
-- (daily_book_metrics: the exact seconds rounded once, DECISIONLOG 5); children are
-- distinct over the window by the JSON API's rule (storytime.counts_child_in_range over
-- child_activity_months' book rows of the window's months), so a night's cost grows with
-- books times days and the window's month rows, not with the window's per-child days.
-- The dashboards' only road from per-child facts to counts of children: it belongs to
-- the per_child group (so it may read child_activity_months) and exposes no child id.
-- Books without activity in a window have no row for it.
with dates as (

    select * from {{ ref('dashboard_dates') }}

),

book_days as (

    select * from {{ ref('daily_book_metrics') }}

),

child_months as (

    select * from {{ ref('child_activity_months') }}
    where scope_kind = 'books'

),

windows as (

    select
        7 as window_days,
        last_7_days_start as window_start_date,
        as_of_date as window_end_date
    from dates

    union all

    select
        30 as window_days,
        last_30_days_start as window_start_date,
        as_of_date as window_end_date
    from dates

),

window_totals as (

    select
        book_days.book_id,
        windows.window_days,
        sum(book_days.watched_seconds) as watched_seconds,
        sum(book_days.total_plays) as total_plays,
        sum(book_days.completion_count) as completion_count,
        sum(book_days.plays_with_duration) as plays_with_duration,
        sum(book_days.valid_plays) as valid_plays
    from book_days
    inner join windows
        on book_days.metric_date between windows.window_start_date and windows.window_end_date
    group by book_days.book_id, windows.window_days

),

window_children as (

    -- per book with activity in the window (its index range of months, on any server)
    select
        window_totals.book_id,
        window_totals.window_days,
        count(*) as unique_children
    from window_totals
    inner join windows
        on window_totals.window_days = windows.window_days
    inner join child_months
        on
            window_totals.book_id = child_months.scope_id
            and {{ storytime.counts_child_in_range(
                'child_months', 'windows.window_start_date', 'windows.window_end_date'
            ) }}
    group by window_totals.book_id, window_totals.window_days

),

final as (

    select
        -- ids
        window_totals.book_id,

        -- numerics
        cast(window_totals.window_days as integer) as window_days,
        {{ storytime.minutes_from_seconds('window_totals.watched_seconds', 12) }} as total_minutes_watched,
        cast(window_totals.total_plays as integer) as total_plays,
        cast(window_totals.completion_count as integer) as completion_count,
        cast(window_totals.plays_with_duration as integer) as plays_with_duration,
        cast(window_totals.valid_plays as integer) as valid_plays,
        {{ storytime.completion_rate('window_totals.completion_count', 'window_totals.plays_with_duration') }}
            as completion_rate,
        cast(coalesce(window_children.unique_children, 0) as integer) as unique_children,

        -- dates
        windows.window_start_date,
        windows.window_end_date

    from window_totals
    inner join windows
        on window_totals.window_days = windows.window_days
    left join window_children
        on
            window_totals.book_id = window_children.book_id
            and window_totals.window_days = window_children.window_days

)

select * from final
