-- requires: 0007

-- Moves an opportunity to a stage if nobody changed it since the caller read `p_version`.
-- Owners move their own; managers their teams'; admins all. Lost needs a reason.
create or replace function dibs.move_opportunity(p_opp bigint, p_stage smallint, p_version integer,
                                      p_reason text default null)
returns dibs.move_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    me dibs.scope := dibs.my_scope();
    o dibs.opportunities;
    s dibs.opportunity_stages;
    v_last record;
begin
    select * into o from dibs.opportunities where id = p_opp for update;
    if not found then
        return row(false, 'not_found', null, null, null, null)::dibs.move_result;
    end if;
    if not (me.role = 'admin' or o.owner_id = me.user_id
            or (me.role = 'manager' and o.owner_id = any (me.users))) then
        insert into dibs.opportunity_log (opportunity_id, actor_id, from_stage, to_stage, outcome, reason)
        values (p_opp, me.user_id, o.stage_id, p_stage, 'refused', 'not_permitted');
        return row(false, 'not_permitted', o.version, o.stage_id, null, null)::dibs.move_result;
    end if;
    select * into s from dibs.opportunity_stages where id = p_stage;
    if not found or p_version is null or length(p_reason) > 500 then
        return row(false, 'invalid_argument', o.version, o.stage_id, null, null)::dibs.move_result;
    end if;
    if o.version <> p_version then
        select g.at, u.display_name into v_last
        from dibs.opportunity_log g left join dibs.users u on u.id = g.actor_id
        where g.opportunity_id = p_opp and g.outcome = 'ok' order by g.at desc limit 1;
        insert into dibs.opportunity_log (opportunity_id, actor_id, from_stage, to_stage, outcome, reason)
        values (p_opp, me.user_id, o.stage_id, p_stage, 'refused', 'changed');
        return row(false, 'changed', o.version, o.stage_id, v_last.display_name, v_last.at)::dibs.move_result;
    end if;
    if s.is_closed and not s.is_won and length(trim(coalesce(p_reason, ''))) = 0 then
        return row(false, 'reason_required', o.version, o.stage_id, null, null)::dibs.move_result;
    end if;
    update dibs.opportunities
    set stage_id = p_stage, version = version + 1, last_activity_at = now(), updated_at = now(),
        lost_reason = case when s.is_closed and not s.is_won then trim(p_reason) end
    where id = p_opp;
    insert into dibs.opportunity_log (opportunity_id, actor_id, from_stage, to_stage, outcome, reason, detail)
    values (p_opp, me.user_id, o.stage_id, p_stage, 'ok', 'ok',
            case when p_reason is not null then jsonb_build_object('reason', trim(p_reason)) end);
    -- Board moves are rare next to claims: a direct notify is affordable here (claims batch
    -- theirs through the notifier: docs/ARCHITECTURE.md).
    perform pg_notify('dibs_events', format('[["o",%s,"stage",0]]', p_opp));
    return row(true, 'ok', o.version + 1, p_stage, null, now())::dibs.move_result;
end
$$;

-- Re-parents a customer (admins). Cycles are refused: the new parent may not be the
-- customer itself or anything below it. Tree changes are serialised, so two concurrent
-- re-parentings cannot close a cycle between them.
create or replace function dibs.reparent_customer(p_customer bigint, p_parent bigint) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_old bigint;
begin
    if dibs.my_role() <> 'admin' then
        return dibs.audit('reparent_customer', null, false, 'not_permitted');
    end if;
    perform pg_advisory_xact_lock(2293, 0);
    select parent_id into v_old from dibs.customers where id = p_customer for update;
    if not found or (p_parent is not null and not exists (select 1 from dibs.customers where id = p_parent)) then
        return dibs.audit('reparent_customer', p_customer::text, false, 'invalid_argument');
    end if;
    if p_parent is not null and exists (
        with recursive up(id) as (
            select p_parent
            union
            select c.parent_id from dibs.customers c join up on c.id = up.id where c.parent_id is not null
        )
        select 1 from up where id = p_customer
    ) then
        return dibs.audit('reparent_customer', p_customer::text, false, 'cycle');
    end if;
    update dibs.customers set parent_id = p_parent, updated_at = now() where id = p_customer;
    return dibs.audit('reparent_customer', p_customer::text, true, 'ok',
                      jsonb_build_object('from', v_old, 'to', p_parent));
end
$$;

-- Entities of a key account's tree with what coverage needs (owner, team, open
-- opportunities, children) — the same facts the duplicate check shares, so the whole account
-- shows even to someone who may not open every entity. One level at a time (lazy loading),
-- or one entity.
create or replace function dibs.tree_nodes(p_parent bigint, p_id bigint, p_limit integer)
returns table (id bigint, name text, owner_name text, owner_team bigint, team_name text,
               open_opportunities bigint, children bigint)
language sql stable security definer set search_path = dibs, pg_temp as $$
    select c.id, c.name, u.display_name, coalesce(c.team_id, u.team_id), t.name,
           (select count(*) from dibs.opportunities o join dibs.opportunity_stages s on s.id = o.stage_id
             where o.customer_id = c.id and not s.is_closed),
           (select count(*) from dibs.customers k where k.parent_id = c.id and k.status = 'active')
    from dibs.customers c
    left join dibs.users u on u.id = c.owner_id
    left join dibs.teams t on t.id = coalesce(c.team_id, u.team_id)
    where c.status = 'active' and (c.parent_id = p_parent or c.id = p_id)
    order by c.name
    limit least(greatest(coalesce(p_limit, 1000), 1), 5000)
$$;

create or replace function dibs.customer_children(p_parent bigint, p_limit integer default 1000)
returns table (id bigint, name text, owner_name text, owner_team bigint, team_name text,
               open_opportunities bigint, children bigint)
language sql stable security definer set search_path = dibs, pg_temp as $$
    select * from dibs.tree_nodes(p_parent, null, p_limit)
$$;

create or replace function dibs.customer_node(p_id bigint)
returns table (id bigint, name text, owner_name text, owner_team bigint, team_name text,
               open_opportunities bigint, children bigint)
language sql stable security definer set search_path = dibs, pg_temp as $$
    select * from dibs.tree_nodes(null, p_id, 1)
$$;

-- The way from a customer's group (the root) down to the customer, root first, seen whole
-- (a person may not be allowed to open every entity on it).
create or replace function dibs.customer_path(p_customer bigint) returns bigint[]
language sql stable security definer set search_path = dibs, pg_temp as $$
    with recursive up(id, parent_id, depth) as (
        select c.id, c.parent_id, 0 from dibs.customers c where c.id = p_customer
        union all
        select c.id, c.parent_id, up.depth + 1 from dibs.customers c join up on c.id = up.parent_id
        where up.depth < 50
    )
    select array_agg(id order by depth desc) from up
$$;

-- The root of the tree a customer belongs to (the group).
create or replace function dibs.customer_root(p_customer bigint) returns bigint
language sql stable security definer set search_path = dibs, pg_temp as $$
    select (dibs.customer_path(p_customer))[1]
$$;
