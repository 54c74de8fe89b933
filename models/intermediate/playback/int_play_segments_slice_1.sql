-- Slice 1 of the ordered pass: the play segments of the children in it, written by one
-- statement while the other slices run beside it (macros/rules/ordered_pass_slices.sql).
{{ config(enabled=storytime.ordered_pass_slice_enabled(1), unlogged=true,
          pre_hook="{{ storytime.tune_ordered_pass() }}") }}

{{ storytime.ordered_pass_slice(1) }}
