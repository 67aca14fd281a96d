-- requires: 0005

-- Records what the caller is typing and returns the other people typing a similar company
-- in the last two minutes (ids and names only: a draft holds nothing else).
create or replace function dibs.touch_draft(p_entity text, p_name text)
returns table (user_name text, team_name text, draft_name text, seconds_ago integer)
language plpgsql volatile security definer set search_path = dibs, pg_temp
set pg_trgm.similarity_threshold = 0.5 as $$
declare
    v_user bigint;
    v_core text := dibs.name_core(coalesce(p_name, ''));
begin
    select id into v_user from dibs.users where login_role = dibs.caller_login() and active;
    if v_user is null or p_entity not in ('customer', 'lead') or length(p_name) > 200 then
        return;
    end if;
    if length(trim(coalesce(p_name, ''))) = 0 then
        delete from dibs.drafts where user_id = v_user and entity = p_entity::dibs.entity_kind;
        return;
    end if;
    insert into dibs.drafts (user_id, entity, name, name_core, updated_at)
    values (v_user, p_entity::dibs.entity_kind, p_name, v_core, now())
    on conflict (user_id, entity) do update set name = excluded.name, name_core = excluded.name_core,
                                                updated_at = now();
    return query
    select u.display_name, t.name, d.name, extract(epoch from now() - d.updated_at)::integer
    from dibs.drafts d join dibs.users u on u.id = d.user_id left join dibs.teams t on t.id = u.team_id
    where d.user_id <> v_user and d.updated_at > now() - interval '2 minutes' and length(v_core) >= 2
      and (d.name_core = v_core or d.name_core like v_core || '%' or v_core like d.name_core || '%'
           or (length(v_core) >= 3 and d.name_core % v_core))
    order by d.updated_at desc
    limit 5;
end
$$;

create or replace function dibs.clear_draft(p_entity text) returns void
language sql volatile security definer set search_path = dibs, pg_temp as $$
    delete from dibs.drafts
    where user_id = (select id from dibs.users where login_role = dibs.caller_login()) and entity::text = p_entity
$$;

-- Merge DROP into KEEP: contacts, opportunities, follow-ups, converted leads and child
-- companies move to KEEP; ownership merges (dibs.merge_customer_ownership); every moved id
-- is recorded so the merge can be undone.
create or replace function dibs.merge_customers(p_keep bigint, p_drop bigint, p_for bigint default null)
returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_result dibs.outcome;
    v_moved jsonb;
    v_drop_owner bigint;
    v_keep_owner bigint;
    v_merge bigint;
begin
    select owner_id into v_drop_owner from dibs.customers where id = p_drop;
    select owner_id into v_keep_owner from dibs.customers where id = p_keep;
    v_result := dibs.merge_customer_ownership(p_keep, p_drop, p_for);
    if not v_result.ok then
        return v_result;
    end if;
    with contacts as (update dibs.contacts set customer_id = p_keep where customer_id = p_drop returning id),
         opportunities as (update dibs.opportunities set customer_id = p_keep where customer_id = p_drop returning id),
         followups as (update dibs.followups set customer_id = p_keep where customer_id = p_drop returning id),
         leads as (update dibs.leads set customer_id = p_keep where customer_id = p_drop returning id),
         children as (update dibs.customers set parent_id = p_keep where parent_id = p_drop and id <> p_keep returning id)
    select jsonb_build_object(
        'contacts', coalesce((select jsonb_agg(id) from contacts), '[]'),
        'opportunities', coalesce((select jsonb_agg(id) from opportunities), '[]'),
        'followups', coalesce((select jsonb_agg(id) from followups), '[]'),
        'leads', coalesce((select jsonb_agg(id) from leads), '[]'),
        'children', coalesce((select jsonb_agg(id) from children), '[]'))
    into v_moved;
    insert into dibs.customer_merges (keep_id, drop_id, merged_by, drop_owner, keep_owner, moved)
    values (p_keep, p_drop, (select id from dibs.users where login_role = dibs.caller_login()), v_drop_owner, v_keep_owner,
            v_moved)
    returning id into v_merge;
    return row(true, 'ok', 'customer', p_keep, v_result.owner_id, null, null, null,
               jsonb_build_object('merge', v_merge, 'moved', v_moved))::dibs.outcome;
end
$$;

-- Undo a merge: what moved goes back (if it has not moved again since), DROP is live again
-- with its owner, KEEP gets back the owner it had.
create or replace function dibs.unmerge_customers(p_merge bigint, p_for bigint default null) returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    a record;
    m dibs.customer_merges;
begin
    a := dibs.resolve_actor(p_for);
    if a.refusal is not null or a.actor_role is null then
        return dibs.result(false, coalesce(a.refusal, 'unknown_user'), 'customer', null, 'merge', a.caller_id, null);
    end if;
    select * into m from dibs.customer_merges where id = p_merge for update;
    if m.id is null or m.undone_at is not null then
        return dibs.result(false, 'not_found', 'customer', null, 'merge', a.actor_id, null);
    end if;
    if a.actor_role not in ('admin', 'manager') then
        return dibs.result(false, 'not_permitted', 'customer', m.drop_id, 'merge', a.actor_id, null);
    end if;
    update dibs.customers set status = 'active', merged_into = null, owner_id = m.drop_owner,
                              owned_since = case when m.drop_owner is not null then now() end,
                              version = version + 1, updated_at = now()
    where id = m.drop_id;
    update dibs.customers set owner_id = m.keep_owner,
                              owned_since = case when m.keep_owner is null then null else coalesce(owned_since, now()) end,
                              version = version + 1, updated_at = now()
    where id = m.keep_id;
    update dibs.contacts set customer_id = m.drop_id
    where customer_id = m.keep_id and id in (select jsonb_array_elements_text(m.moved -> 'contacts')::bigint);
    update dibs.opportunities set customer_id = m.drop_id
    where customer_id = m.keep_id and id in (select jsonb_array_elements_text(m.moved -> 'opportunities')::bigint);
    update dibs.followups set customer_id = m.drop_id
    where customer_id = m.keep_id and id in (select jsonb_array_elements_text(m.moved -> 'followups')::bigint);
    update dibs.leads set customer_id = m.drop_id
    where customer_id = m.keep_id and id in (select jsonb_array_elements_text(m.moved -> 'leads')::bigint);
    update dibs.customers set parent_id = m.drop_id
    where parent_id = m.keep_id and id in (select jsonb_array_elements_text(m.moved -> 'children')::bigint);
    -- Undone means they are two companies: the restored record stands alone from now on.
    perform dibs.split_company('customer', m.drop_id);
    update dibs.customer_merges set undone_at = now(), undone_by = a.actor_id where id = p_merge;
    perform dibs.log_ownership('customer', m.drop_id, 'merge', true, 'unmerged', coalesce(a.caller_id, a.actor_id),
                               null, m.drop_owner, null, jsonb_build_object('merge', p_merge));
    return row(true, 'ok', 'customer', m.drop_id, m.drop_owner, null, null, null,
               jsonb_build_object('merge', p_merge))::dibs.outcome;
end
$$;

-- A saved customer ends its creator's draft.
create or replace function dibs.end_draft_on_create() returns trigger
language plpgsql as $$
begin
    delete from dibs.drafts where user_id = new.created_by and entity = 'customer';
    return new;
end
$$;

drop trigger if exists customers_30_end_draft on dibs.customers;
create trigger customers_30_end_draft after insert on dibs.customers
    for each row when (new.created_by is not null) execute function dibs.end_draft_on_create();
