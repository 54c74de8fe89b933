-- Per book and UTC day: daily_book_metrics with the book's title and the name of the
-- publisher it had that day, plus the day's completion rate (macro completion_rate). The
-- relation the report command (storytime-analytics report) and BI tools filter by date,
-- publisher and book (product spec 3.1, UsageReportQuery). Publisher-facing: reads no per-child model.
-- A view in the readers' schema over the published copy of daily_book_metrics
-- (macros/publish/publish.sql), so that it changes only when a run publishes.
{{ config(materialized='view', schema='published') }}

with book_metrics as (

    select * from {{ storytime.published_relation(ref('daily_book_metrics')) }}

),

books as (

    select * from {{ ref('stg_app__books') }}

),

publishers as (

    select * from {{ ref('stg_app__publishers') }}

),

final as (

    select
        -- ids
        book_metrics.book_id,
        book_metrics.publisher_id,

        -- strings
        books.title,
        publishers.publisher_name,

        -- dates
        book_metrics.metric_date,

        -- numerics
        book_metrics.total_play_starts,
        book_metrics.total_play_ends,
        book_metrics.total_minutes_watched,
        book_metrics.watched_seconds,
        book_metrics.unique_children,
        book_metrics.completion_count,
        book_metrics.total_plays,
        book_metrics.plays_with_duration,
        book_metrics.valid_plays,
        book_metrics.total_sessions,
        book_metrics.average_watch_percentage,
        {{ storytime.completion_rate('book_metrics.completion_count', 'book_metrics.plays_with_duration') }}
            as completion_rate

    from book_metrics
    left join books
        on book_metrics.book_id = books.book_id
    left join publishers
        on book_metrics.publisher_id = publishers.publisher_id

)

select * from final
