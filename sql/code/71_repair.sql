-- requires: 0007

-- The caller may repair between these two people: admins always; managers within their teams.
create or replace function dibs.may_repair(p_from bigint, p_to bigint) returns boolean
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
create or replace function dibs.transfer_all_preview(p_from bigint, p_to bigint)
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

-- Hands everything p_from holds to p_to (someone left, a territory moved), record by record
-- through dibs.move_record: each move is checked against p_to's limits and logged with the
-- batch and the reason; what cannot move stays, logged with the real reason (over the limit,
-- not a member of the pool, changed meanwhile).
create or replace function dibs.transfer_all(p_from bigint, p_to bigint, p_reason text) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_batch bigint;
    v_moved integer := 0;
    v_kept integer := 0;
    v_detail jsonb;
    v_outcome dibs.outcome;
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
    -- Every row of the hand-over, moved or refused (with its own reason), names the receiver.
    v_detail := jsonb_build_object('batch', v_batch, 'reason', trim(p_reason), 'to', p_to);
    for r in select * from dibs.transfer_all_preview(p_from, p_to) loop
        v_outcome := dibs.move_record(r.entity::dibs.entity_kind, r.id, p_to, 'transfer', null, p_from, v_detail,
                                      true);
        if v_outcome.ok then
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
-- the receiver's), within the original holder's limits; what stays is logged with why.
create or replace function dibs.undo_transfer(p_batch bigint, p_reason text) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_from bigint;
    v_to bigint;
    v_back integer := 0;
    v_stays integer := 0;
    v_detail jsonb;
    v_outcome dibs.outcome;
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
    v_detail := jsonb_build_object('undo_of', p_batch, 'reason', trim(p_reason), 'to', v_from);
    for r in
        select g.entity, g.entity_id from dibs.ownership_log g
        where g.action = 'transfer' and g.outcome = 'ok' and (g.detail ->> 'batch')::bigint = p_batch
        order by g.id
    loop
        v_outcome := dibs.move_record(r.entity, r.entity_id, v_from, 'transfer', null, v_to, v_detail, true);
        if v_outcome.ok then
            v_back := v_back + 1;
        else
            v_stays := v_stays + 1;
        end if;
    end loop;
    return dibs.audit('undo_transfer', p_batch::text, true, 'ok',
                      jsonb_build_object('back', v_back, 'stayed', v_stays));
end
$$;
