{#- SQL functions in the marts' schema defined by the project's rule macros, so that the
    runner's range queries (report, JSON API: sums over any range of days) apply the same
    rule as the models instead of restating it: `completion_rate(completions,
    plays_with_duration)` is storytime.completion_rate; analytics_document() and
    usage_report_range() are the JSON API's and the usage report's range figures. Replaced by every run (on-run-start),
    so a changed macro reaches the runner with the next run. PostgreSQL only: on other
    adapters the runner is not used and this is a no-op. -#}
{% macro create_rule_functions() %}
    {{ return(adapter.dispatch('create_rule_functions', 'storytime')()) }}
{% endmacro %}

{% macro default__create_rule_functions() -%}
    select 1
{%- endmacro %}

{% macro postgres__create_rule_functions() -%}
    create schema if not exists {{ adapter.quote(target.schema) }};
    create or replace function {{ adapter.quote(target.schema) }}.completion_rate(
        completions numeric, plays_with_duration numeric
    ) returns numeric(4, 3)
    language sql immutable parallel safe
    as $rule$ select {{ storytime.completion_rate('completions', 'plays_with_duration') }} $rule$;
    {{ storytime._range_functions(adapter.quote(target.schema)) }}
{%- endmacro %}

{#- The range figures of the JSON API and the usage report (README "Range functions"):
    over any dates, the counts that cannot be added up over days (children distinct over
    the range, exact minutes, the mean of the plays' percentages) computed in the database
    from the published marts (daily_scope_activity and child_activity_months for the
    documents; usage_report and child_book_activity_days for the report), with the rule
    macros. SECURITY DEFINER with a fixed search_path (the marts' schema,
    then pg_temp): a role granted EXECUTE (analytics_reader, publisher_reader) gets counts
    without SELECT on the per-child mart. PL/pgSQL: resolved at call time (the marts do not
    exist yet on a first run's on-run-start) and planned once per session; one branch per
    scope so that each branch's plan uses the scope's index. -#}
{#- Children distinct over first_date..last_date in a scope (storytime.counts_child_in_range:
    one row per child, no aggregation by child). -#}
{% macro _range_children_query(scope) -%}
            select count(*)
            from child_activity_months as months
            where
                months.scope_kind = analytics_document.scope
                and months.scope_id = coalesce(analytics_document.scope_id, 0)
                and {{ storytime.counts_child_in_range('months', 'first_date', 'last_date') }}
{%- endmacro %}

{% macro _analytics_document_query(scope) -%}
        with scope_days as (
            select * from daily_scope_activity as activity
            where
                activity.scope_kind = analytics_document.scope
                and activity.scope_id = coalesce(analytics_document.scope_id, 0)
                and activity.metric_date between first_date and last_date
        ),
        days as (
            select cast(series.day as date) as metric_date
            from generate_series(
                cast(first_date as date), cast(last_date as date), interval '1 day'
            ) as series (day)
        ),
        final as (
            select
                days.metric_date,
                coalesce(scope_days.play_starts, 0) as play_starts,
                {{ storytime.minutes_from_seconds('coalesce(scope_days.watched_seconds, 0)', 16) }} as minutes_watched,
                coalesce(scope_days.unique_children, 0) as unique_children,
                coalesce(scope_days.completions, 0) as completions,
                {{ storytime.completion_rate('scope_days.completions', 'scope_days.plays_with_duration') }} as completion_rate
            from days
            left join scope_days on days.metric_date = scope_days.metric_date
            union all
            select
                null,
                cast(coalesce(sum(scope_days.play_starts), 0) as bigint),
                {{ storytime.minutes_from_seconds('coalesce(sum(scope_days.watched_seconds), 0)', 16) }},
                ({{ storytime._range_children_query(scope) }}),
                cast(coalesce(sum(scope_days.completions), 0) as bigint),
                {{ storytime.completion_rate('sum(scope_days.completions)', 'sum(scope_days.plays_with_duration)') }}
            from scope_days
        )
        select * from final
        order by final.metric_date nulls last
{%- endmacro %}

{% macro _usage_report_range_query(publisher_scoped, book_scoped) -%}
        with book_days as (
            select * from usage_report as report
            where
                report.metric_date between first_date and last_date
                {%- if publisher_scoped %} and report.publisher_id = scope_publisher_id{% endif %}
                {%- if book_scoped %} and report.book_id = scope_book_id{% endif %}
        ),
        child_totals as (
            select
                activity.book_id,
                activity.publisher_id,
                count(distinct activity.child_profile_id) filter (where activity.has_events)
                    as unique_children,
                sum(activity.watched_seconds) as watched_seconds,
                sum(activity.watch_percentage_sum) as watch_percentage_sum,
                sum(activity.plays_with_percentage) as plays_with_percentage
            from child_book_activity_days as activity
            where
                activity.activity_date between first_date and last_date
                {%- if publisher_scoped %} and activity.publisher_id = scope_publisher_id{% endif %}
                {%- if book_scoped %} and activity.book_id = scope_book_id{% endif %}
            group by activity.book_id, activity.publisher_id
        ),
        book_totals as (
            select
                book_days.book_id,
                book_days.publisher_id,
                book_days.title,
                book_days.publisher_name,
                sum(book_days.total_play_starts) as play_starts,
                sum(book_days.total_play_ends) as play_ends,
                sum(book_days.completion_count) as completions,
                sum(book_days.total_plays) as plays,
                sum(book_days.plays_with_duration) as plays_with_duration,
                sum(book_days.valid_plays) as valid_plays
            from book_days
            group by book_days.book_id, book_days.publisher_id, book_days.title, book_days.publisher_name
        )
        select
            book_totals.book_id,
            book_totals.title,
            book_totals.publisher_id,
            book_totals.publisher_name,
            cast(book_totals.play_starts as bigint),
            cast(book_totals.play_ends as bigint),
            {{ storytime.minutes_from_seconds('coalesce(child_totals.watched_seconds, 0)', 16) }},
            cast(coalesce(child_totals.unique_children, 0) as bigint),
            cast(book_totals.completions as bigint),
            cast(book_totals.plays as bigint),
            cast(book_totals.plays_with_duration as bigint),
            cast(book_totals.valid_plays as bigint),
            {{ storytime.mean_percentage('child_totals.watch_percentage_sum', 'child_totals.plays_with_percentage') }},
            {{ storytime.completion_rate('book_totals.completions', 'book_totals.plays_with_duration') }}
        from book_totals
        left join child_totals
            on
                book_totals.book_id = child_totals.book_id
                and book_totals.publisher_id is not distinct from child_totals.publisher_id
        order by book_totals.book_id, book_totals.publisher_id nulls first
{%- endmacro %}

{% macro _range_functions(schema) -%}
    create or replace function {{ schema }}.analytics_document(
        first_date date, last_date date, scope text, scope_id bigint default null
    ) returns table (
        metric_date date,
        play_starts bigint,
        minutes_watched numeric(16, 2),
        unique_children bigint,
        completions bigint,
        completion_rate numeric(4, 3)
    )
    language plpgsql stable security definer
    set search_path = {{ schema }}, pg_temp
    as $document$
    #variable_conflict use_column
    begin
    {%- for scope in ['platform', 'books', 'publishers'] %}
        {{ 'if' if loop.first else 'elsif' }} scope = '{{ scope }}' then
            return query
            {{ storytime._analytics_document_query(scope) }};
    {%- endfor %}
        else
            raise exception 'analytics_document: unknown scope %', scope;
        end if;
    end
    $document$;
    revoke all on function {{ schema }}.analytics_document(date, date, text, bigint) from public;
    grant execute on function {{ schema }}.analytics_document(date, date, text, bigint)
        to analytics_reader, publisher_reader;

    create or replace function {{ schema }}.usage_report_range(
        first_date date, last_date date,
        scope_publisher_id bigint default null, scope_book_id bigint default null
    ) returns table (
        book_id bigint,
        title text,
        publisher_id bigint,
        publisher_name text,
        play_starts bigint,
        play_ends bigint,
        minutes_watched numeric(16, 2),
        unique_children bigint,
        completions bigint,
        plays bigint,
        plays_with_duration bigint,
        valid_plays bigint,
        average_watch_percentage numeric(5, 2),
        completion_rate numeric(4, 3)
    )
    language plpgsql stable security definer
    set search_path = {{ schema }}, pg_temp
    as $report$
    #variable_conflict use_column
    begin
    {%- for publisher_scoped in [false, true] %}{% for book_scoped in [false, true] %}
        {{ 'if' if loop.first and not publisher_scoped else 'elsif' }} (scope_publisher_id is not null) = {{ publisher_scoped }}
            and (scope_book_id is not null) = {{ book_scoped }} then
            return query
            {{ storytime._usage_report_range_query(publisher_scoped, book_scoped) }};
    {%- endfor %}{% endfor %}
        end if;
    end
    $report$;
    revoke all on function {{ schema }}.usage_report_range(date, date, bigint, bigint) from public;
    grant execute on function {{ schema }}.usage_report_range(date, date, bigint, bigint)
        to analytics_reader, publisher_reader
{%- endmacro %}
