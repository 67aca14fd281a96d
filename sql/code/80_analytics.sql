-- requires: 0010
-- Collision analytics (撞单驾驶舱; docs/ARCHITECTURE.md, "Analytics"). The worker folds the
-- ownership log and the duplicate-check decisions into rollups (dibs.roll_up_analytics); the
-- dashboard functions read only the rollups, cut to the caller's scope.
--
-- Unit of counting: the attempt-day — one person, one subject, one local day (the
-- organisation's time zone, settings.time_zone). The subject is the record's company when it
-- has one (as the worker finds it when it counts the row), else the record, and for a create
-- the duplicate check blocked, the name typed; so a rep pressing claim ten times on one lead,
-- or on three leads of one company, counts once.
--   attempt    a claim, register, convert or create, whatever the answer, and a create the
--              duplicate check blocked;
--   collision  an attempt-day with at least one refusal because someone else holds the record
--              or its company, or its protection (报备), or a duplicate blocked the create, or
--              the person saved over a duplicate warning (warned, then overridden);
--   race       a collision within 10 minutes of the holder taking it (refusals record
--              `detail.other_since`, when the holder took it);
--   rate       collisions ÷ attempts.
-- The person is the one the attempt was for: the new owner of a success, the actor of a
-- refusal (for an admin acting for a rep, the rep), the maker of a duplicate-check decision.

-- The first slice computed the figures from the raw log on every call; the rollups replace it.
drop function if exists dibs.attempt_days(date, date);
drop function if exists dibs.collision_figures(date, date);
drop function if exists dibs.collision_breakdown(date, date, text);

create or replace function dibs.org_time_zone() returns text
language sql stable security definer set search_path = dibs, pg_temp set jit = off as $$
    select coalesce((select time_zone from dibs.settings), current_setting('TimeZone'))
$$;

-- The subject of an attempt on a record: its company, else the record itself.
create or replace function dibs.record_subject(p_entity dibs.entity_kind, p_id bigint) returns text
language sql stable set search_path = dibs, pg_temp as $$
    select coalesce('company:' || case p_entity
                        when 'lead' then (select company_id from dibs.leads where id = p_id)
                        when 'customer' then (select company_id from dibs.customers where id = p_id)
                    end,
                    p_entity::text || ':' || p_id)
$$;

create or replace function dibs.is_collision(p_outcome dibs.ownership_outcome, p_reason text) returns boolean
language sql immutable as $$
    select p_outcome = 'refused'
       and p_reason in ('already_owned_by', 'company_held', 'company_has_customer', 'protected_by',
                        'duplicate_blocked', 'duplicate_credit_code')
$$;

create or replace function dibs.is_race(p_outcome dibs.ownership_outcome, p_reason text, p_at timestamptz,
                                        p_detail jsonb) returns boolean
language sql immutable as $$
    select coalesce(p_outcome = 'refused'
                    and p_reason in ('already_owned_by', 'company_held', 'company_has_customer', 'protected_by')
                    and (p_detail ->> 'other_since')::timestamptz > p_at - interval '10 minutes', false)
$$;

-- A collision between the two sides of the channel: the person refused and the other party
-- (the holder, `detail.other`) are one a partner's person, the other not.
create or replace function dibs.is_channel_conflict(p_outcome dibs.ownership_outcome, p_reason text,
                                                    p_actor bigint, p_detail jsonb) returns boolean
language sql stable set search_path = dibs, pg_temp as $$
    select coalesce(dibs.is_collision(p_outcome, p_reason)
                    and (select (a.partner_id is null) <> (o.partner_id is null)
                         from dibs.users a, dibs.users o
                         where a.id = p_actor and o.id = (p_detail ->> 'other')::bigint), false)
$$;

-- How long after a take its first follow-up came: 0 ≤ 1 h, 1 ≤ 4 h, 2 ≤ 8 h, 3 ≤ 24 h,
-- 4 ≤ 48 h, 5 ≤ 72 h, 6 ≤ 7 days, 7 ≤ 14 days, 8 later.
create or replace function dibs.followup_bucket(p_after interval) returns smallint
language sql immutable as $$
    select case when p_after <= interval '1 hour' then 0 when p_after <= interval '4 hours' then 1
                when p_after <= interval '8 hours' then 2 when p_after <= interval '24 hours' then 3
                when p_after <= interval '48 hours' then 4 when p_after <= interval '72 hours' then 5
                when p_after <= interval '7 days' then 6 when p_after <= interval '14 days' then 7
                else 8 end::smallint
$$;

-- The upper bound of a bucket in hours (none for the last).
create or replace function dibs.followup_bucket_hours(p_bucket smallint) returns integer
language sql immutable as $$
    select (array[1, 4, 8, 24, 48, 72, 168, 336])[p_bucket + 1]
$$;

-- A record becoming someone's: the takes counted as "taken".
create or replace function dibs.is_take(p_outcome dibs.ownership_outcome, p_action dibs.ownership_action,
                                        p_from bigint, p_to bigint) returns boolean
language sql immutable as $$
    select p_outcome = 'ok' and p_to is not null and p_to is distinct from p_from
       and p_action in ('claim', 'assign', 'auto_assign', 'transfer', 'convert', 'create')
$$;

-- ---------------------------------------------------------------- the rollup
-- Folds up to p_max log rows and p_max decisions committed since the last call into the
-- rollups; returns how many rows it read (0: caught up). Rows are taken by transaction id
-- below the event horizon (dibs.event_horizon()), like the live events, so a row whose transaction
-- commits late is never skipped; the cursor moves in the same transaction as the counts, so
-- a worker killed mid-batch counts nothing twice. One caller at a time (the cursor row lock).
create or replace function dibs.roll_up_analytics(p_max integer default 5000) returns integer
language plpgsql volatile security definer set search_path = dibs, pg_temp set jit = off as $$
declare
    v_horizon bigint := dibs.event_horizon();
    v_tz text := dibs.org_time_zone();
    cur dibs.analytics_cursor;
    v_log dibs.ownership_log[];
    v_dec dibs.dedup_decisions[];
    v_read integer;
    v_subjects text[];
    v_weeks date[];
begin
    select * into cur from dibs.analytics_cursor for update;
    -- The counts and the cursor commit together, so a commit lost in a crash loses both and
    -- they are counted again: no need to wait for the disk (claims wait for it enough).
    perform set_config('synchronous_commit', 'off', true);
    select coalesce(array_agg(g order by g.xid, g.id), '{}') into v_log from (
        select * from dibs.ownership_log g
        where g.xid >= cur.log_xid and (g.xid, g.id) > (cur.log_xid, cur.log_id) and g.xid < v_horizon
        order by g.xid, g.id limit p_max) g;
    select coalesce(array_agg(d order by d.xid, d.id), '{}') into v_dec from (
        select * from dibs.dedup_decisions d
        where d.xid >= cur.decision_xid and (d.xid, d.id) > (cur.decision_xid, cur.decision_id) and d.xid < v_horizon
        order by d.xid, d.id limit p_max) d;
    v_read := cardinality(v_log) + cardinality(v_dec);
    if v_read = 0 then
        return 0;
    end if;

    -- Attempt-days. `before` reads the facts as they were when the statement began (every part
    -- of one statement shares a snapshot), so a day already counted adds no attempt, and one
    -- that already collided adds no collision.
    with seen as (
        select (g.at at time zone v_tz)::date as day,
               case when g.outcome = 'ok' then g.to_owner else g.actor_id end as user_id,
               dibs.record_subject(g.entity, g.entity_id) as subject,
               dibs.is_collision(g.outcome, g.reason) as collided,
               dibs.is_race(g.outcome, g.reason, g.at, g.detail) as raced,
               dibs.is_collision(g.outcome, g.reason)
               and dibs.is_channel_conflict(g.outcome, g.reason, g.actor_id, g.detail) as channel
        from unnest(v_log) g
        where g.action in ('claim', 'register', 'convert', 'create')
        union all
        select (d.at at time zone v_tz)::date, d.user_id,
               case when d.decision = 'blocked' then 'draft:' || lower(btrim(d.draft_name))
                    else dibs.record_subject(d.entity, d.created_id) end,
               true, false, false
        from unnest(v_dec) d
        where d.decision in ('blocked', 'warned_overridden')
    ), batch as (
        select s.day, s.user_id, s.subject, bool_or(s.collided) as collided, bool_or(s.raced) as raced,
               bool_or(s.channel) as channel
        from seen s where s.user_id is not null and s.subject is not null
        group by s.day, s.user_id, s.subject
    ), before as (
        select f.* from dibs.attempt_facts f join batch b using (user_id, day, subject)
    ), upserted as (
        insert into dibs.attempt_facts as f (user_id, day, subject, collided, raced, channel)
        select b.user_id, b.day, b.subject, b.collided, b.raced, b.channel from batch b
        on conflict (user_id, day, subject) do update
            set collided = f.collided or excluded.collided, raced = f.raced or excluded.raced,
                channel = f.channel or excluded.channel
            where (excluded.collided and not f.collided) or (excluded.raced and not f.raced)
               or (excluded.channel and not f.channel)
    )
    insert into dibs.daily_figures as t (day, user_id, attempts, collisions, races, channel_conflicts)
    select b.day, b.user_id,
           count(*) filter (where o.user_id is null),
           count(*) filter (where b.collided and not coalesce(o.collided, false)),
           count(*) filter (where b.raced and not coalesce(o.raced, false)),
           count(*) filter (where b.channel and not coalesce(o.channel, false))
    from batch b left join before o using (user_id, day, subject)
    group by b.day, b.user_id
    on conflict (day, user_id) do update
        set attempts = t.attempts + excluded.attempts, collisions = t.collisions + excluded.collisions,
            races = t.races + excluded.races, channel_conflicts = t.channel_conflicts + excluded.channel_conflicts;

    -- Refusal-days by reason (a blocked create is a refusal too).
    with seen as (
        select distinct (g.at at time zone v_tz)::date as day, g.actor_id as user_id,
               dibs.record_subject(g.entity, g.entity_id) as subject, g.reason
        from unnest(v_log) g
        where g.outcome = 'refused' and g.actor_id is not null
        union
        select (d.at at time zone v_tz)::date, d.user_id, 'draft:' || lower(btrim(d.draft_name)), 'duplicate_blocked'
        from unnest(v_dec) d
        where d.decision = 'blocked' and d.user_id is not null
    ), fresh as (
        insert into dibs.refusal_facts (user_id, day, subject, reason)
        select s.user_id, s.day, s.subject, s.reason from seen s
        on conflict do nothing
        returning day, user_id, reason
    )
    insert into dibs.daily_refusals as t (day, user_id, reason, refusals)
    select f.day, f.user_id, f.reason, count(*) from fresh f group by f.day, f.user_id, f.reason
    on conflict (day, user_id, reason) do update set refusals = t.refusals + excluded.refusals;

    -- Records taken, recycled away and released, per person and day.
    insert into dibs.daily_figures as t (day, user_id, taken, recycled, released)
    select x.day, x.user_id, sum(x.taken), sum(x.recycled), sum(x.released)
    from (
        select (g.at at time zone v_tz)::date as day, g.to_owner as user_id, 1 as taken, 0 as recycled, 0 as released
        from unnest(v_log) g
        where dibs.is_take(g.outcome, g.action, g.from_owner, g.to_owner)
        union all
        select (g.at at time zone v_tz)::date, g.from_owner, 0,
               (g.action = 'recycle')::int, (g.action = 'release')::int
        from unnest(v_log) g
        where g.outcome = 'ok' and g.from_owner is not null and g.action in ('recycle', 'release')
    ) x
    group by x.day, x.user_id
    on conflict (day, user_id) do update
        set taken = t.taken + excluded.taken, recycled = t.recycled + excluded.recycled,
            released = t.released + excluded.released;

    -- Re-claims: a take by someone else within 7 days of the record's last recycle.
    insert into dibs.recent_recycles as r (entity, entity_id, from_owner, at)
    select distinct on (g.entity, g.entity_id) g.entity, g.entity_id, g.from_owner, g.at
    from unnest(v_log) g
    where g.outcome = 'ok' and g.action = 'recycle' and g.from_owner is not null
    order by g.entity, g.entity_id, g.at desc
    on conflict (entity, entity_id) do update set from_owner = excluded.from_owner, at = excluded.at
        where excluded.at >= r.at;
    insert into dibs.daily_figures as t (day, user_id, reclaimed)
    select (g.at at time zone v_tz)::date, g.to_owner, count(*)
    from unnest(v_log) g
    join dibs.recent_recycles r on r.entity = g.entity and r.entity_id = g.entity_id
    where g.action in ('claim', 'assign', 'auto_assign') and dibs.is_take(g.outcome, g.action, g.from_owner, g.to_owner)
      and g.to_owner <> r.from_owner and g.at >= r.at and g.at <= r.at + interval '7 days'
    group by 1, 2
    on conflict (day, user_id) do update set reclaimed = t.reclaimed + excluded.reclaimed;
    delete from dibs.recent_recycles where at < now() - interval '8 days';

    -- Takes wait for their first follow-up; a record let go first stops waiting.
    insert into dibs.open_takes as o (entity, entity_id, user_id, taken_at)
    select g.entity, g.entity_id, g.to_owner, max(g.at)
    from unnest(v_log) g
    where dibs.is_take(g.outcome, g.action, g.from_owner, g.to_owner)
    group by g.entity, g.entity_id, g.to_owner
    on conflict (entity, entity_id, user_id) do update set taken_at = greatest(o.taken_at, excluded.taken_at);
    with followed as (
        select o.entity, o.entity_id, o.user_id, o.taken_at, min(g.at) as at
        from unnest(v_log) g
        join dibs.open_takes o on o.entity = g.entity and o.entity_id = g.entity_id and o.user_id = g.actor_id
        where g.action = 'followup' and g.outcome = 'ok' and g.at >= o.taken_at
        group by o.entity, o.entity_id, o.user_id, o.taken_at
    ), done as (
        delete from dibs.open_takes o using followed f
        where o.entity = f.entity and o.entity_id = f.entity_id and o.user_id = f.user_id
        returning f.user_id, f.taken_at, f.at
    )
    insert into dibs.daily_first_followups as t (day, user_id, bucket, followed)
    select (d.taken_at at time zone v_tz)::date, d.user_id, dibs.followup_bucket(d.at - d.taken_at), count(*)
    from done d
    group by 1, 2, 3
    on conflict (day, user_id, bucket) do update set followed = t.followed + excluded.followed;
    delete from dibs.open_takes o
    using unnest(v_log) g
    where g.outcome = 'ok' and g.action in ('release', 'recycle', 'transfer') and g.from_owner = o.user_id
      and g.to_owner is distinct from g.from_owner
      and o.entity = g.entity and o.entity_id = g.entity_id and o.taken_at <= g.at;

    -- Shadow collisions: company-weeks followed up by two or more people. A new follower of a
    -- company-week is recorded; once it has two, every follower of it is a shadow.
    with followers as (
        select distinct dibs.record_subject(g.entity, g.entity_id) as subject,
               date_trunc('week', g.at at time zone v_tz)::date as week, g.actor_id as user_id
        from unnest(v_log) g
        where g.action = 'followup' and g.outcome = 'ok' and g.actor_id is not null
    ), fresh as (
        insert into dibs.followup_facts (subject, week, user_id)
        select f.subject, f.week, f.user_id from followers f where f.subject like 'company:%'
        on conflict do nothing
        returning subject, week
    )
    select coalesce(array_agg(k.subject), '{}'), coalesce(array_agg(k.week), '{}') into v_subjects, v_weeks
    from (select distinct subject, week from fresh) k;
    with shadows as (
        insert into dibs.shadow_people (week, subject, user_id)
        select f.week, f.subject, f.user_id
        from unnest(v_subjects, v_weeks) k(subject, week)
        join dibs.followup_facts f on f.subject = k.subject and f.week = k.week
        where (select count(*) from dibs.followup_facts x where x.subject = k.subject and x.week = k.week) >= 2
        on conflict do nothing
        returning week, subject
    )
    insert into dibs.shadow_companies (week, subject)
    select distinct s.week, s.subject from shadows s
    on conflict do nothing;

    -- Conversion cohorts: leads taken, by the week of the take; a conversion within 90 days
    -- of the lead's last take counts for that take's week.
    with takes as (
        select g.entity_id, g.to_owner, g.pool_id, g.at
        from unnest(v_log) g
        where g.entity = 'lead' and g.action in ('claim', 'assign', 'auto_assign', 'transfer')
          and dibs.is_take(g.outcome, g.action, g.from_owner, g.to_owner)
    ), latest as (
        insert into dibs.lead_takes as l (lead_id, user_id, pool_id, taken_at)
        select distinct on (t.entity_id) t.entity_id, t.to_owner, t.pool_id, t.at
        from takes t order by t.entity_id, t.at desc
        on conflict (lead_id) do update set user_id = excluded.user_id, pool_id = excluded.pool_id,
                                            taken_at = excluded.taken_at
            where excluded.taken_at >= l.taken_at
    )
    insert into dibs.weekly_lead_cohorts as c (week, pool_id, user_id, taken)
    select date_trunc('week', t.at at time zone v_tz)::date, coalesce(t.pool_id, 0), t.to_owner, count(*)
    from takes t
    group by 1, 2, 3
    on conflict (week, pool_id, user_id) do update set taken = c.taken + excluded.taken;
    with converted as (
        select g.entity_id as lead_id, min(g.at) as at
        from unnest(v_log) g
        where g.entity = 'lead' and g.action = 'convert' and g.outcome = 'ok'
        group by g.entity_id
    ), counted as (
        delete from dibs.lead_takes l using converted v
        where l.lead_id = v.lead_id and v.at >= l.taken_at and v.at <= l.taken_at + interval '90 days'
        returning l.user_id, l.pool_id, l.taken_at
    )
    insert into dibs.weekly_lead_cohorts as c (week, pool_id, user_id, converted)
    select date_trunc('week', k.taken_at at time zone v_tz)::date, coalesce(k.pool_id, 0), k.user_id, count(*)
    from counted k
    group by 1, 2, 3
    on conflict (week, pool_id, user_id) do update set converted = c.converted + excluded.converted;

    -- Duplicate-check decisions, each one.
    insert into dibs.daily_decisions as t (day, user_id, decision, decisions)
    select (d.at at time zone v_tz)::date, d.user_id, d.decision, count(*)
    from unnest(v_dec) d where d.user_id is not null
    group by 1, 2, 3
    on conflict (day, user_id, decision) do update set decisions = t.decisions + excluded.decisions;

    update dibs.analytics_cursor set
        log_xid = coalesce(v_log[cardinality(v_log)].xid, log_xid),
        log_id = coalesce(v_log[cardinality(v_log)].id, log_id),
        decision_xid = coalesce(v_dec[cardinality(v_dec)].xid, decision_xid),
        decision_id = coalesce(v_dec[cardinality(v_dec)].id, decision_id),
        rows_counted = rows_counted + v_read,
        updated_at = now();
    return v_read;
end
$$;

-- Forgets the rollups so the worker counts the logs again from the start (after a change of
-- the organisation's time zone). Administrators only.
create or replace function dibs.rebuild_analytics() returns void
language plpgsql volatile security definer set search_path = dibs, pg_temp set jit = off as $$
begin
    if coalesce(dibs.my_role(), '') <> 'admin' and dibs.caller_login() <> (select nspowner::regrole::name
                                                                      from pg_namespace where nspname = 'dibs') then
        raise exception 'only an administrator may rebuild the figures' using errcode = '42501';
    end if;
    perform 1 from dibs.analytics_cursor for update;
    truncate dibs.attempt_facts, dibs.refusal_facts, dibs.daily_figures, dibs.daily_refusals, dibs.daily_decisions,
             dibs.open_takes, dibs.daily_first_followups, dibs.lead_takes, dibs.weekly_lead_cohorts,
             dibs.recent_recycles, dibs.followup_facts, dibs.shadow_people,
             dibs.shadow_companies;
    update dibs.analytics_cursor set log_xid = 0, log_id = 0, decision_xid = 0, decision_id = 0,
                                     rows_counted = 0, updated_at = now();
end
$$;

-- ---------------------------------------------------------------- reading, in scope
-- Whose figures the caller may read: null for everyone (administrators, viewers of all),
-- a rep only herself, a manager the people of her teams; nobody for a login without a user.
create or replace function dibs.analytics_people() returns bigint[]
language sql stable security definer set search_path = dibs, pg_temp set jit = off as $$
    select case when dibs.sees_everything() then null
                when dibs.my_id() is null then '{}'::bigint[]
                when dibs.my_role() = 'rep' then array[dibs.my_id()]
                else coalesce(dibs.my_scope_users(), array[dibs.my_id()]) end
$$;

-- The same, narrowed to one person when p_user is given (a drill-down): that person if the
-- caller may see her, else nobody.
create or replace function dibs.analytics_people(p_user bigint) returns bigint[]
language sql stable security definer set search_path = dibs, pg_temp set jit = off as $$
    select case when p_user is null then dibs.analytics_people()
                when dibs.analytics_people() is null or p_user = any (dibs.analytics_people()) then array[p_user]
                else '{}'::bigint[] end
$$;

-- Per day of [p_from, p_to]: attempts, collisions, races (attempt-days) in the caller's scope.
-- (The reading functions are PL/pgSQL so the scope is worked out once per call, not per row;
-- every function here runs without JIT, whose compiling took longer than the queries.)
create or replace function dibs.collision_figures(p_from date, p_to date, p_user bigint default null)
returns table (day date, attempts bigint, collisions bigint, races bigint)
language plpgsql stable security definer set search_path = dibs, pg_temp set jit = off as $$
declare
    v_people bigint[] := dibs.analytics_people(p_user);
begin
    return query
    with f as (
        select f.day, sum(f.attempts) as attempts, sum(f.collisions) as collisions, sum(f.races) as races
        from dibs.daily_figures f
        where f.day between p_from and p_to and (v_people is null or f.user_id = any (v_people))
        group by f.day
    )
    select d::date, coalesce(f.attempts, 0)::bigint, coalesce(f.collisions, 0)::bigint, coalesce(f.races, 0)::bigint
    from generate_series(p_from, p_to, interval '1 day') d
    left join f on f.day = d::date
    order by 1;
end
$$;

-- The same figures over [p_from, p_to] by 'day', 'week' (ISO weeks, Monday first), 'rep' or
-- 'team' (the person's team now), biggest first for rep and team.
create or replace function dibs.collision_breakdown(p_from date, p_to date, p_by text, p_user bigint default null)
returns table (label text, attempts bigint, collisions bigint, races bigint)
language plpgsql stable security definer set search_path = dibs, pg_temp set jit = off as $$
declare
    v_people bigint[] := dibs.analytics_people(p_user);
begin
    if p_by not in ('day', 'week', 'rep', 'team') then
        raise exception 'breakdown by % is not known (day, week, rep or team)', p_by using errcode = '22023';
    end if;
    return query
    with keyed as (
        select case p_by
                   when 'day' then to_char(f.day, 'YYYY-MM-DD')
                   when 'week' then to_char(date_trunc('week', f.day), 'IYYY-"W"IW')
                   when 'rep' then coalesce(u.display_name, '?')
                   else coalesce(t.name, '-')
               end as label,
               f.attempts, f.collisions, f.races, f.day
        from dibs.daily_figures f
        left join dibs.users u on u.id = f.user_id
        left join dibs.teams t on t.id = u.team_id
        where f.day between p_from and p_to and (v_people is null or f.user_id = any (v_people))
          and (f.attempts > 0 or f.collisions > 0)
    )
    select k.label, sum(k.attempts)::bigint, sum(k.collisions)::bigint, sum(k.races)::bigint
    from keyed k
    group by k.label
    order by case when p_by in ('day', 'week') then min(k.day) end, sum(k.attempts) desc, k.label;
end
$$;

-- The headline figures of [p_from, p_to] in the caller's scope.
drop function if exists dibs.analytics_summary(date, date, bigint);
create or replace function dibs.analytics_summary(p_from date, p_to date, p_user bigint default null)
returns table (attempts bigint, collisions bigint, races bigint, taken bigint, recycled bigint,
               released bigint, refusals bigint, blocked bigint, warned bigint, overridden bigint,
               contested bigint, reclaimed bigint, bad_overrides bigint, shadow bigint,
               channel_conflicts bigint)
language plpgsql stable security definer set search_path = dibs, pg_temp set jit = off as $$
declare
    v_people bigint[] := dibs.analytics_people(p_user);
begin
    return query
    with figures as (
        select coalesce(sum(f.attempts), 0)::bigint as attempts, coalesce(sum(f.collisions), 0)::bigint as collisions,
               coalesce(sum(f.races), 0)::bigint as races, coalesce(sum(f.taken), 0)::bigint as taken,
               coalesce(sum(f.recycled), 0)::bigint as recycled, coalesce(sum(f.released), 0)::bigint as released,
               coalesce(sum(f.reclaimed), 0)::bigint as reclaimed,
               coalesce(sum(f.channel_conflicts), 0)::bigint as channel_conflicts
        from dibs.daily_figures f
        where f.day between p_from and p_to and (v_people is null or f.user_id = any (v_people))
    ),
    -- Saved over a duplicate warning in the period, and merged away since (not undone).
    bad as (
        select count(*)::bigint as bad_overrides
        from dibs.dedup_decisions d
        where d.decision = 'warned_overridden'
          and d.at >= p_from::timestamptz and d.at < (p_to + 1)::timestamptz
          and (v_people is null or d.user_id = any (v_people))
          and exists (select 1 from dibs.customer_merges m where m.drop_id = d.created_id and m.undone_at is null)
    ),
    refusals as (
        select coalesce(sum(r.refusals), 0)::bigint as refusals
        from dibs.daily_refusals r
        where r.day between p_from and p_to and (v_people is null or r.user_id = any (v_people))
    ),
    decisions as (
        select coalesce(sum(d.decisions) filter (where d.decision = 'blocked'), 0)::bigint as blocked,
               coalesce(sum(d.decisions) filter (where d.decision = 'needs_override'), 0)::bigint as warned,
               coalesce(sum(d.decisions) filter (where d.decision = 'warned_overridden'), 0)::bigint as overridden
        from dibs.daily_decisions d
        where d.day between p_from and p_to and (v_people is null or d.user_id = any (v_people))
    ),
    -- Distinct counts as a hashed distinct below a count: count(distinct) would sort every row.
    contested as (
        select count(*)::bigint as contested
        from (select distinct a.subject
              from dibs.attempt_facts a
              where a.collided and a.day between p_from and p_to and a.subject like 'company:%'
                and (v_people is null or a.user_id = any (v_people))) k
    ),
    shadow as (
        select count(*)::bigint as shadow
        from (select distinct s.subject from dibs.shadow_companies s
              where v_people is null and s.week between date_trunc('week', p_from)::date and p_to
              union
              select s.subject from dibs.shadow_people s
              where v_people is not null and s.user_id = any (v_people)
                and s.week between date_trunc('week', p_from)::date and p_to) k
    )
    select f.attempts, f.collisions, f.races, f.taken, f.recycled, f.released, r.refusals,
           d.blocked, d.warned, d.overridden, c.contested, f.reclaimed, b.bad_overrides, s.shadow,
           f.channel_conflicts
    from figures f, refusals r, decisions d, contested c, bad b, shadow s;
end
$$;

-- Refusal-days of [p_from, p_to] by reason, most first.
create or replace function dibs.refusal_reasons(p_from date, p_to date, p_user bigint default null)
returns table (reason text, refusals bigint)
language plpgsql stable security definer set search_path = dibs, pg_temp set jit = off as $$
declare
    v_people bigint[] := dibs.analytics_people(p_user);
begin
    return query
    select r.reason, sum(r.refusals)::bigint
    from dibs.daily_refusals r
    where r.day between p_from and p_to and (v_people is null or r.user_id = any (v_people))
    group by r.reason
    order by 2 desc, 1;
end
$$;

-- Per person in scope over [p_from, p_to], with how full their fullest pool is now
-- (held ÷ holding limit, 保有量饱和度): everyone in scope who is active, busiest first.
create or replace function dibs.rep_figures(p_from date, p_to date)
returns table (user_id bigint, name text, team text, attempts bigint, collisions bigint, races bigint,
               taken bigint, recycled bigint, limit_refusals bigint, held integer, holding_limit integer)
language sql stable security definer set search_path = dibs, pg_temp set jit = off as $$
    with people as (
        select u.id, u.display_name, t.name as team
        from dibs.users u left join dibs.teams t on t.id = u.team_id, (select dibs.analytics_people() as ids) p
        where u.active and u.role in ('rep', 'manager') and (p.ids is null or u.id = any (p.ids))
    ),
    figures as (
        select f.user_id, sum(f.attempts)::bigint as attempts, sum(f.collisions)::bigint as collisions,
               sum(f.races)::bigint as races, sum(f.taken)::bigint as taken, sum(f.recycled)::bigint as recycled
        from dibs.daily_figures f join people pe on pe.id = f.user_id
        where f.day between p_from and p_to
        group by f.user_id
    ),
    limits as (
        select r.user_id, sum(r.refusals)::bigint as refusals
        from dibs.daily_refusals r join people pe on pe.id = r.user_id
        where r.day between p_from and p_to and r.reason in ('over_limit', 'daily_cap', 'cooldown')
        group by r.user_id
    ),
    fullest as (
        select distinct on (m.user_id) m.user_id, h.held, coalesce(m.holding_limit, pl.holding_limit) as holding_limit
        from dibs.pool_members m join people pe on pe.id = m.user_id
        join dibs.pools pl on pl.id = m.pool_id
        cross join lateral (
            select case when pl.kind = 'lead' then dibs.lead_holdings(pl.id, m.user_id)
                        else dibs.customer_holdings(pl.id, m.user_id) end as held
        ) h
        order by m.user_id, h.held::float8 / greatest(coalesce(m.holding_limit, pl.holding_limit), 1) desc
    )
    select pe.id, pe.display_name, coalesce(pe.team, '-'), coalesce(f.attempts, 0), coalesce(f.collisions, 0),
           coalesce(f.races, 0), coalesce(f.taken, 0), coalesce(f.recycled, 0), coalesce(l.refusals, 0),
           fu.held, fu.holding_limit
    from people pe
    left join figures f on f.user_id = pe.id
    left join limits l on l.user_id = pe.id
    left join fullest fu on fu.user_id = pe.id
    order by coalesce(f.attempts, 0) desc, pe.display_name
$$;

-- The companies most collided on in [p_from, p_to] (被争抢客户): collision-days on them by
-- people in scope, and how many people collided on them in the period.
create or replace function dibs.contested_companies(p_from date, p_to date, p_limit integer default 10,
                                                    p_user bigint default null)
returns table (company_id bigint, name text, collisions bigint, people bigint)
language plpgsql stable security definer set search_path = dibs, pg_temp set jit = off as $$
declare
    v_people bigint[] := dibs.analytics_people(p_user);
begin
    return query
    with top as (
        select a.subject, count(*)::bigint as collisions
        from dibs.attempt_facts a
        where a.collided and a.day between p_from and p_to and a.subject like 'company:%'
          and (v_people is null or a.user_id = any (v_people))
        group by a.subject
        order by 2 desc, 1
        limit least(greatest(p_limit, 1), 100)
    )
    select substr(t.subject, 9)::bigint,
           coalesce((select c.name from dibs.customers c where c.company_id = substr(t.subject, 9)::bigint
                     order by c.status = 'active' desc, c.id limit 1),
                    (select l.company_name from dibs.leads l where l.company_id = substr(t.subject, 9)::bigint
                     order by l.id limit 1), '?'),
           t.collisions,
           -- Everyone who collided on it, in scope or not (a count, never who): read per company
           -- through attempt_facts_by_company, not by scanning the period again.
           (select count(*) from (select distinct a.user_id from dibs.attempt_facts a
                                  where a.collided and a.subject like 'company:%' and a.subject = t.subject
                                    and a.day between p_from and p_to) k)
    from top t
    order by t.collisions desc, 1;
end
$$;

-- First follow-up time of takes in [p_from, p_to] (by the day of the take): takes, those
-- followed up by the taker, those within 24 hours, and the hours within which half and nine
-- in ten of the followed-up ones came (a bucket's bound; none past 14 days).
create or replace function dibs.first_followup(p_from date, p_to date, p_user bigint default null)
returns table (taken bigint, followed bigint, within_24h bigint, p50_hours integer, p90_hours integer)
language plpgsql stable security definer set search_path = dibs, pg_temp set jit = off as $$
declare
    v_people bigint[] := dibs.analytics_people(p_user);
begin
    return query
    with buckets as (
        select f.bucket, sum(f.followed)::bigint as n
        from dibs.daily_first_followups f
        where f.day between p_from and p_to and (v_people is null or f.user_id = any (v_people))
        group by f.bucket
    ), running as (
        select b.bucket, b.n, sum(b.n) over (order by b.bucket) as upto, sum(b.n) over () as total from buckets b
    )
    select (select coalesce(sum(d.taken), 0)::bigint from dibs.daily_figures d
            where d.day between p_from and p_to and (v_people is null or d.user_id = any (v_people))),
           coalesce((select max(r.total) from running r), 0)::bigint,
           coalesce((select sum(r.n) from running r where r.bucket <= 3), 0)::bigint,
           (select dibs.followup_bucket_hours(min(r.bucket)) from running r where r.upto >= 0.5 * r.total),
           (select dibs.followup_bucket_hours(min(r.bucket)) from running r where r.upto >= 0.9 * r.total);
end
$$;

-- Conversion cohorts of leads taken in the weeks of [p_from, p_to]: per week and pool, leads
-- taken and converted within 90 days of the take (so far: a young cohort is still converting).
create or replace function dibs.conversion_cohorts(p_from date, p_to date, p_user bigint default null)
returns table (week date, pool text, taken bigint, converted bigint)
language plpgsql stable security definer set search_path = dibs, pg_temp set jit = off as $$
declare
    v_people bigint[] := dibs.analytics_people(p_user);
begin
    return query
    select c.week, coalesce(p.name, '-'), sum(c.taken)::bigint, sum(c.converted)::bigint
    from dibs.weekly_lead_cohorts c
    left join dibs.pools p on p.id = c.pool_id
    where c.week between date_trunc('week', p_from)::date and p_to
      and (v_people is null or c.user_id = any (v_people))
    group by c.week, p.name
    order by c.week, 2;
end
$$;

-- How current the figures are: when the worker last counted, and how many log rows and
-- decisions committed since are still to count (counted up to 100,000: "that many or more").
create or replace function dibs.analytics_lag()
returns table (updated_at timestamptz, rows_behind bigint)
language sql stable security definer set search_path = dibs, pg_temp set jit = off as $$
    select c.updated_at,
           (select count(*) from (select 1 from dibs.ownership_log g
                                  where g.xid >= c.log_xid and (g.xid, g.id) > (c.log_xid, c.log_id)
                                  limit 100000) l)
           + (select count(*) from (select 1 from dibs.dedup_decisions d
                                    where d.xid >= c.decision_xid and (d.xid, d.id) > (c.decision_xid, c.decision_id)
                                    limit 100000) d)
    from dibs.analytics_cursor c
$$;
