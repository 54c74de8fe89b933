-- Per book and window (the last 7 and the last 30 days up to the dashboards' "today"):
-- minutes, plays (all, with a known duration, valid), completions, completion rate and
-- distinct children. The dashboards' only road from
-- per-child facts to counts of children: it belongs to the per_child group (so it may read
-- int_child_book_days and int_plays) and exposes no child id. Minutes are the window's
-- exact seconds rounded once (DECISIONLOG 5). Books without activity in a window have no
-- row for it.
with dates as (

    select * from {{ ref('dashboard_dates') }}

),

child_book_days as (

    select * from {{ ref('int_child_book_days') }}

),

plays as (

    select * from {{ ref('int_plays') }}

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

activity as (

    select
        child_book_days.book_id,
        windows.window_days,
        sum(child_book_days.watched_seconds) as watched_seconds,
        count(distinct child_book_days.child_profile_id) as unique_children
    from child_book_days
    inner join windows
        on child_book_days.activity_date between windows.window_start_date and windows.window_end_date
    group by child_book_days.book_id, windows.window_days

),

play_totals as (

    select
        plays.book_id,
        windows.window_days,
        count(*) as total_plays,
        sum(case when plays.is_complete then 1 else 0 end) as completion_count,
        sum(case when plays.duration_seconds is not null then 1 else 0 end) as plays_with_duration,
        sum(case when plays.is_valid then 1 else 0 end) as valid_plays
    from plays
    inner join windows
        on plays.play_date between windows.window_start_date and windows.window_end_date
    group by plays.book_id, windows.window_days

),

final as (

    select
        -- ids
        activity.book_id,

        -- numerics
        cast(activity.window_days as integer) as window_days,
        {{ storytime.minutes_from_seconds('activity.watched_seconds', 12) }} as total_minutes_watched,
        cast(coalesce(play_totals.total_plays, 0) as integer) as total_plays,
        cast(coalesce(play_totals.completion_count, 0) as integer) as completion_count,
        cast(coalesce(play_totals.plays_with_duration, 0) as integer) as plays_with_duration,
        cast(coalesce(play_totals.valid_plays, 0) as integer) as valid_plays,
        {{ storytime.completion_rate('play_totals.completion_count', 'play_totals.plays_with_duration') }}
            as completion_rate,
        cast(activity.unique_children as integer) as unique_children,

        -- dates
        windows.window_start_date,
        windows.window_end_date

    from activity
    inner join windows
        on activity.window_days = windows.window_days
    left join play_totals
        on
            activity.book_id = play_totals.book_id
            and activity.window_days = play_totals.window_days

)

select * from final
