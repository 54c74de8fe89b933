-- Platform-wide totals per UTC day (SPEC section 4). Children and parents are distinct
-- over the platform, not sums of books. A row for every processed date, zeros included.
{{
    config(
        indexes=[{'columns': ['metric_date'], 'unique': true}],
        **storytime.replace_dates_config('metric_date'),
    )
}}

with processed_dates as (

    {{ storytime.processed_dates(ref('int_child_book_days'), 'activity_date') }}

),

child_book_days as (

    select * from {{ ref('int_child_book_days') }}
    where {{ storytime.in_processing_range('activity_date') }}

),

child_profiles as (

    select * from {{ ref('stg_app__child_profiles') }}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

activity as (

    select
        child_book_days.activity_date as metric_date,
        sum(child_book_days.play_start_count) as total_play_starts,
        sum(child_book_days.watched_seconds) as watched_seconds,
        count(distinct child_book_days.child_profile_id) as unique_children,
        count(distinct child_profiles.user_id) as unique_parents,
        count(distinct case when child_book_days.play_start_count > 0 then child_book_days.book_id end)
            as active_books
    from child_book_days
    left join child_profiles
        on child_book_days.child_profile_id = child_profiles.child_profile_id
    group by child_book_days.activity_date

),

registrations as (

    select
        {{ storytime.utc_date('created_at') }} as metric_date,
        count(*) as new_registrations
    from users
    group by {{ storytime.utc_date('created_at') }}

),

final as (

    select
        -- dates
        processed_dates.metric_date,

        -- numerics
        cast(coalesce(activity.total_play_starts, 0) as integer) as total_play_starts,
        {{ storytime.minutes_from_seconds('coalesce(activity.watched_seconds, 0)', 12) }} as total_minutes_watched,
        cast(coalesce(activity.unique_children, 0) as integer) as unique_children,
        cast(coalesce(activity.unique_parents, 0) as integer) as unique_parents,
        cast(coalesce(activity.active_books, 0) as integer) as active_books,
        cast(coalesce(registrations.new_registrations, 0) as integer) as new_registrations,

        -- timestamps
        {{ dbt.current_timestamp() }} as created_at,
        {{ dbt.current_timestamp() }} as updated_at

    from processed_dates
    left join activity
        on processed_dates.metric_date = activity.metric_date
    left join registrations
        on processed_dates.metric_date = registrations.metric_date

)

select * from final
