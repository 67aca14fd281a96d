-- requires: 0002
-- Collision analytics over the ownership log (issue: 撞单驾驶舱). First slice: attempts,
-- collisions, the collision rate and races, computed from the raw log for the caller's scope.
-- (Rollups fed by the worker come next; these functions are the definitions they must match.)
--
-- Unit of counting: the attempt-day — one person, one subject, one local day (the server's
-- TimeZone). The subject is the record's company when it has one, else the record, so a rep
-- pressing claim ten times on one lead, or on three leads of one company, counts once.
--   attempt    a claim, register, convert or create, whatever the answer;
--   collision  an attempt-day with at least one refusal because someone else holds the record
--              or its company, or its protection (报备), or a duplicate blocked the create;
--   race       a collision within 10 minutes of the holder taking it (refusals record
--              `detail.other_since`, when the holder took it);
--   rate       collisions ÷ attempts.
-- The person is the one the attempt was for: the new owner of a success, the actor of a
-- refusal (for an admin acting for a rep, the rep).

create or replace function dibs.attempt_days(p_from date, p_to date)
returns table (day date, user_id bigint, subject text, collided boolean, raced boolean)
language sql stable security definer set search_path = dibs, pg_temp as $$
    with attempts as (
        select (g.at at time zone current_setting('TimeZone'))::date as day,
               case when g.outcome = 'ok' then g.to_owner else g.actor_id end as user_id,
               coalesce('company:' || coalesce(ld.company_id, c.company_id),
                        g.entity::text || ':' || g.entity_id) as subject,
               g.outcome = 'refused'
                 and g.reason in ('already_owned_by', 'company_held', 'company_has_customer',
                                  'protected_by', 'duplicate_blocked', 'duplicate_credit_code') as collided,
               g.outcome = 'refused'
                 and g.reason in ('already_owned_by', 'company_held', 'company_has_customer', 'protected_by')
                 and (g.detail ->> 'other_since')::timestamptz > g.at - interval '10 minutes' as raced
        from dibs.ownership_log g
        left join dibs.leads ld on g.entity = 'lead' and ld.id = g.entity_id
        left join dibs.customers c on g.entity = 'customer' and c.id = g.entity_id
        where g.action in ('claim', 'register', 'convert', 'create')
          and g.at >= p_from::timestamptz and g.at < (p_to + 1)::timestamptz
    )
    select a.day, a.user_id, a.subject, bool_or(a.collided), bool_or(coalesce(a.raced, false))
    from attempts a
    where a.user_id is not null
      -- A rep sees her own figures, a manager her teams', an admin everyone's.
      and case when dibs.my_role() = 'rep' then a.user_id = dibs.my_id()
               else dibs.sees_everything() or a.user_id = any (dibs.my_scope_users()) end
    group by a.day, a.user_id, a.subject
$$;

-- Per day of [p_from, p_to]: attempts, collisions, races (attempt-days) in the caller's scope.
create or replace function dibs.collision_figures(p_from date, p_to date)
returns table (day date, attempts bigint, collisions bigint, races bigint)
language sql stable security definer set search_path = dibs, pg_temp as $$
    select d::date, count(a.subject), count(a.subject) filter (where a.collided),
           count(a.subject) filter (where a.raced)
    from generate_series(p_from, p_to, interval '1 day') d
    left join dibs.attempt_days(p_from, p_to) a on a.day = d::date
    group by d
    order by d
$$;

-- The same figures over [p_from, p_to] broken down by 'week' (ISO weeks, Monday first),
-- 'rep' or 'team' (the person's team now), biggest first for rep and team.
create or replace function dibs.collision_breakdown(p_from date, p_to date, p_by text)
returns table (label text, attempts bigint, collisions bigint, races bigint)
language plpgsql stable security definer set search_path = dibs, pg_temp as $$
begin
    if p_by not in ('week', 'rep', 'team') then
        raise exception 'breakdown by % is not known (week, rep or team)', p_by using errcode = '22023';
    end if;
    return query
    with keyed as (
        select case p_by
                   when 'week' then to_char(date_trunc('week', a.day), 'IYYY-"W"IW')
                   when 'rep' then coalesce(u.display_name, '?')
                   else coalesce(t.name, '-')
               end as label,
               a.collided, a.raced, a.day
        from dibs.attempt_days(p_from, p_to) a
        left join dibs.users u on u.id = a.user_id
        left join dibs.teams t on t.id = u.team_id
    )
    select k.label, count(*), count(*) filter (where k.collided), count(*) filter (where k.raced)
    from keyed k
    group by k.label
    order by case when p_by = 'week' then min(k.day) end, count(*) desc, k.label;
end
$$;
