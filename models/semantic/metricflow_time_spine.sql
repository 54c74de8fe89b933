-- One row per UTC day, 2020 through 2035: the time spine MetricFlow joins metric_time to.
-- dbt's cross-database date_spine, so the same SQL builds on PostgreSQL and Spark.
with days as (

    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('2020-01-01' as date)",
        end_date="cast('2036-01-01' as date)",
    ) }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
