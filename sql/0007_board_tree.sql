-- The stage board and the customer tree: stage moves with a version check (a lost race is
-- refused with who moved it and when, never overwritten), won/lost with a reason, every
-- move logged; re-parenting without cycles; the tree's nodes with owner, team and coverage.

create table dibs.opportunity_log (
    id              bigint generated always as identity primary key,
    at              timestamptz not null default clock_timestamp(),
    opportunity_id  bigint not null,
    actor_id        bigint,
    from_stage      smallint,
    to_stage        smallint,
    outcome         dibs.ownership_outcome not null,
    reason          text not null default 'ok',
    detail          jsonb
);
create index on dibs.opportunity_log (opportunity_id, at desc);
alter table dibs.opportunity_log enable row level security;
create policy visible on dibs.opportunity_log for select using (
    (select dibs.sees_everything())
    or actor_id = any ((select dibs.my_scope_users())::bigint[])
    or exists (select 1 from dibs.opportunities o where o.id = opportunity_id));

create type dibs.move_result as (
    ok         boolean,
    reason     text,          -- ok, changed, not_permitted, not_found, reason_required, invalid_argument
    version    integer,       -- the opportunity's version now
    stage      smallint,      -- its stage now
    by_name    text,          -- who moved it last (for "changed")
    moved_at   timestamptz
);

-- Moves an opportunity to a stage if nobody changed it since the caller read `p_version`.
-- Owners move their own; managers their teams'; admins all. Lost needs a reason.
create function dibs.move_opportunity(p_opp bigint, p_stage smallint, p_version integer,
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
    -- theirs through the notifier, DESIGN §2).
    perform pg_notify('dibs_events', format('[["o",%s,"stage",0]]', p_opp));
    return row(true, 'ok', o.version + 1, p_stage, null, now())::dibs.move_result;
end
$$;

-- Re-parents a customer (admins). Cycles are refused: the new parent may not be the
-- customer itself or anything below it. Tree changes are serialised, so two concurrent
-- re-parentings cannot close a cycle between them.
create function dibs.reparent_customer(p_customer bigint, p_parent bigint) returns dibs.admin_result
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
create function dibs.tree_nodes(p_parent bigint, p_id bigint, p_limit integer)
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

create function dibs.customer_children(p_parent bigint, p_limit integer default 1000)
returns table (id bigint, name text, owner_name text, owner_team bigint, team_name text,
               open_opportunities bigint, children bigint)
language sql stable security definer set search_path = dibs, pg_temp as $$
    select * from dibs.tree_nodes(p_parent, null, p_limit)
$$;

create function dibs.customer_node(p_id bigint)
returns table (id bigint, name text, owner_name text, owner_team bigint, team_name text,
               open_opportunities bigint, children bigint)
language sql stable security definer set search_path = dibs, pg_temp as $$
    select * from dibs.tree_nodes(null, p_id, 1)
$$;

-- The way from a customer's group (the root) down to the customer, root first, seen whole
-- (a person may not be allowed to open every entity on it).
create function dibs.customer_path(p_customer bigint) returns bigint[]
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
create function dibs.customer_root(p_customer bigint) returns bigint
language sql stable security definer set search_path = dibs, pg_temp as $$
    select (dibs.customer_path(p_customer))[1]
$$;

create index if not exists customers_parent_active on dibs.customers (parent_id, name) where status = 'active';

select dibs.lock_down_functions();
grant execute on function
    dibs.move_opportunity(bigint, smallint, integer, text),
    dibs.reparent_customer(bigint, bigint),
    dibs.customer_children(bigint, integer),
    dibs.customer_node(bigint),
    dibs.customer_root(bigint)
to dibs_rep, dibs_manager, dibs_admin, dibs_viewer;
grant select on dibs.opportunity_log to dibs_viewer, dibs_rep, dibs_manager, dibs_admin;

-- Repair: hand everything one person holds to another (someone left, a territory moved),
-- within the receiver's limits, with a preview; undo of such a hand-over. Every move is an
-- ownership-log row carrying the batch and the reason; what does not fit stays where it is.
create sequence dibs.repair_batches;

-- The caller may repair between these two people: admins always; managers within their teams.
create function dibs.may_repair(p_from bigint, p_to bigint) returns boolean
language plpgsql stable as $$
declare
    me dibs.scope := dibs.my_scope();
begin
    return me.role = 'admin'
        or (me.role = 'manager' and p_from = any (me.users) and p_to = any (me.users));
end
$$;

-- What a hand-over from p_from to p_to would move, and what would break p_to's limit (in
-- each pool, in id order, after what p_to holds now).
create function dibs.transfer_all_preview(p_from bigint, p_to bigint)
returns table (entity text, id bigint, name text, pool text, fits boolean)
language sql stable security definer set search_path = dibs, pg_temp as $$
    with held as (
        select 'lead'::text as entity, l.id, l.company_name as name, l.pool_id
        from dibs.leads l where l.owner_id = p_from and l.status in ('new', 'working')
        union all
        select 'customer', c.id, c.name, c.pool_id
        from dibs.customers c where c.owner_id = p_from and c.status = 'active'
    ), ranked as (
        select h.*, row_number() over (partition by h.entity, h.pool_id order by h.id) as n
        from held h
    )
    select r.entity, r.id, r.name, coalesce(p.name, '-'),
           dibs.is_member(r.pool_id, p_to)
           and (case when r.entity = 'lead' then dibs.lead_holdings(r.pool_id, p_to)
                     else dibs.customer_holdings(r.pool_id, p_to) end) + r.n
               <= coalesce(dibs.effective_limit(r.pool_id, p_to), 2147483647)
    from ranked r left join dibs.pools p on p.id = r.pool_id
    where dibs.may_repair(p_from, p_to) and p_from <> p_to
    order by r.entity, r.id
$$;

create function dibs.transfer_all(p_from bigint, p_to bigint, p_reason text) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_batch bigint;
    v_actor bigint := dibs.my_id();
    v_moved integer := 0;
    v_kept integer := 0;
    v_ok boolean;
    r record;
begin
    if not dibs.may_repair(p_from, p_to) then
        return dibs.audit('transfer_all', null, false, 'not_permitted');
    end if;
    if p_from = p_to or length(trim(coalesce(p_reason, ''))) = 0 or length(p_reason) > 500
       or not exists (select 1 from dibs.users where id = p_to and active) then
        return dibs.audit('transfer_all', p_from::text, false, 'invalid_argument');
    end if;
    v_batch := nextval('dibs.repair_batches');
    -- The receiver's holdings may only grow under their lock (I2); the giver's shrink.
    perform dibs.lock_rep(p_to);
    for r in select * from dibs.transfer_all_preview(p_from, p_to) loop
        if r.entity = 'lead' then
            update dibs.leads l set owner_id = p_to, owned_since = now(), version = version + 1, updated_at = now()
            where l.id = r.id and l.owner_id = p_from and l.status in ('new', 'working')
              and dibs.is_member(l.pool_id, p_to)
              and dibs.lead_holdings(l.pool_id, p_to) < coalesce(dibs.effective_limit(l.pool_id, p_to), 2147483647);
        else
            update dibs.customers c set owner_id = p_to, owned_since = now(), version = version + 1, updated_at = now(),
                                       team_id = (select team_id from dibs.users where id = p_to)
            where c.id = r.id and c.owner_id = p_from and c.status = 'active'
              and dibs.is_member(c.pool_id, p_to)
              and dibs.customer_holdings(c.pool_id, p_to) < coalesce(dibs.effective_limit(c.pool_id, p_to), 2147483647);
        end if;
        v_ok := found;
        insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, from_owner, to_owner, detail)
        values (r.entity::dibs.entity_kind, r.id, 'transfer',
                (case when v_ok then 'ok' else 'refused' end)::dibs.ownership_outcome,
                case when v_ok then 'ok' else 'over_limit' end, v_actor, p_from,
                case when v_ok then p_to end,
                jsonb_build_object('batch', v_batch, 'reason', trim(p_reason)));
        if v_ok then
            v_moved := v_moved + 1;
        else
            v_kept := v_kept + 1;
        end if;
    end loop;
    return dibs.audit('transfer_all', p_from::text, true, 'ok',
                      jsonb_build_object('batch', v_batch, 'to', p_to, 'moved', v_moved, 'kept', v_kept,
                                         'reason', trim(p_reason)));
end
$$;

-- Puts back what a hand-over moved, where nothing has changed since (the record is still
-- the receiver's), within the original holder's limits.
create function dibs.undo_transfer(p_batch bigint, p_reason text) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_actor bigint := dibs.my_id();
    v_from bigint;
    v_to bigint;
    v_back integer := 0;
    v_stays integer := 0;
    r record;
begin
    select g.from_owner, g.to_owner into v_from, v_to from dibs.ownership_log g
    where g.action = 'transfer' and g.outcome = 'ok' and (g.detail ->> 'batch')::bigint = p_batch limit 1;
    if v_from is null then
        return dibs.audit('undo_transfer', p_batch::text, false, 'invalid_argument');
    end if;
    if not dibs.may_repair(v_to, v_from) then
        return dibs.audit('undo_transfer', null, false, 'not_permitted');
    end if;
    if length(trim(coalesce(p_reason, ''))) = 0 or not exists (select 1 from dibs.users where id = v_from and active) then
        return dibs.audit('undo_transfer', p_batch::text, false, 'invalid_argument');
    end if;
    perform dibs.lock_rep(v_from);
    for r in
        select g.entity, g.entity_id from dibs.ownership_log g
        where g.action = 'transfer' and g.outcome = 'ok' and (g.detail ->> 'batch')::bigint = p_batch
        order by g.id
    loop
        if r.entity = 'lead' then
            update dibs.leads l set owner_id = v_from, owned_since = now(), version = version + 1, updated_at = now()
            where l.id = r.entity_id and l.owner_id = v_to
              and dibs.lead_holdings(l.pool_id, v_from) < coalesce(dibs.effective_limit(l.pool_id, v_from), 2147483647);
        else
            update dibs.customers c set owner_id = v_from, owned_since = now(), version = version + 1, updated_at = now(),
                                       team_id = (select team_id from dibs.users where id = v_from)
            where c.id = r.entity_id and c.owner_id = v_to
              and dibs.customer_holdings(c.pool_id, v_from) < coalesce(dibs.effective_limit(c.pool_id, v_from), 2147483647);
        end if;
        if found then
            insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, from_owner, to_owner, detail)
            values (r.entity, r.entity_id, 'transfer', 'ok', 'ok', v_actor, v_to, v_from,
                    jsonb_build_object('undo_of', p_batch, 'reason', trim(p_reason)));
            v_back := v_back + 1;
        else
            v_stays := v_stays + 1;
        end if;
    end loop;
    return dibs.audit('undo_transfer', p_batch::text, true, 'ok',
                      jsonb_build_object('back', v_back, 'stayed', v_stays));
end
$$;

select dibs.lock_down_functions();
grant execute on function
    dibs.move_opportunity(bigint, smallint, integer, text),
    dibs.reparent_customer(bigint, bigint),
    dibs.customer_children(bigint, integer),
    dibs.customer_node(bigint),
    dibs.customer_root(bigint),
    dibs.customer_path(bigint),
    dibs.transfer_all_preview(bigint, bigint),
    dibs.transfer_all(bigint, bigint, text),
    dibs.undo_transfer(bigint, text)
to dibs_rep, dibs_manager, dibs_admin;
grant execute on function dibs.customer_children(bigint, integer), dibs.customer_node(bigint),
    dibs.customer_root(bigint), dibs.customer_path(bigint) to dibs_viewer;
