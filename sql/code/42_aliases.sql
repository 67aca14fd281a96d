-- requires: 0012

-- Also-known-as names (migration 12). Their keys and core come from the same parser as a
-- customer's name (12_name_keys.sql), so a check of the alias finds its customer; a record
-- whose core is an alias's core joins that customer's company (32_companies.sql).

create or replace function dibs.alias_keys() returns trigger
language plpgsql as $$
begin
    new.name := btrim(new.name);
    new.name_core := dibs.name_core(new.name);
    new.name_keys := coalesce(dibs.name_keys(new.name), '{}');
    return new;
end
$$;

drop trigger if exists customer_aliases_keys on dibs.customer_aliases;
create trigger customer_aliases_keys before insert or update of name on dibs.customer_aliases
    for each row execute function dibs.alias_keys();

-- Adds a name a customer is also known as. Its owner, a manager of the owner, or an
-- administrator may; an unowned customer, any rep or manager who sees it. Audited, refusals too.
create or replace function dibs.alias_add(p_customer bigint, p_name text, p_kind text default 'alias')
returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_me bigint := dibs.my_id();
    v_role dibs.user_role;
    c dibs.customers;
    v_id bigint;
begin
    select role into v_role from dibs.users where id = v_me and active;
    select * into c from dibs.customers where id = p_customer and status = 'active';
    if c.id is null or v_role is null then
        return dibs.audit('alias_add', p_customer::text, false, 'not_found');
    end if;
    if v_role not in ('rep', 'manager', 'admin')
       or (c.owner_id is not null and c.owner_id <> v_me and not dibs.may_manage(v_me, v_role, c.owner_id)) then
        return dibs.audit('alias_add', p_customer::text, false, 'not_permitted');
    end if;
    if p_name is null or length(btrim(p_name)) not between 1 and 200
       or coalesce(p_kind, '') not in ('former', 'alias', 'english', 'short') then
        return dibs.audit('alias_add', p_customer::text, false, 'invalid_argument');
    end if;
    insert into dibs.customer_aliases (customer_id, name, kind, source, added_by)
    values (p_customer, p_name, p_kind, 'rep', v_me)
    on conflict (customer_id, name) do update set kind = excluded.kind
    returning id into v_id;
    return dibs.audit('alias_add', p_customer::text, true, 'ok',
                      jsonb_build_object('alias', v_id, 'name', btrim(p_name), 'kind', p_kind));
end
$$;

-- Every name a customer is also known as, with where it came from (visible customers only).
create or replace function dibs.aliases_of(p_customer bigint)
returns table (id bigint, name text, kind text, source text, added_at timestamptz)
language sql stable as $$
    select a.id, a.name, a.kind, a.source, a.added_at from dibs.customer_aliases a
    where a.customer_id = p_customer order by a.added_at, a.id
$$;

-- A merge keeps the dropped record's name (and its aliases) as names of the kept one, so a
-- later check of that name finds the company it now is.
create or replace function dibs.alias_on_merge() returns trigger
language plpgsql security definer set search_path = dibs, pg_temp as $$
declare
    v_drop_name text;
    v_keep_name text;
begin
    select name into v_drop_name from dibs.customers where id = new.drop_id;
    select name into v_keep_name from dibs.customers where id = new.keep_id;
    if v_drop_name is not null and v_drop_name <> v_keep_name then
        insert into dibs.customer_aliases (customer_id, name, kind, source, added_by)
        values (new.keep_id, v_drop_name, 'former', 'merge', new.merged_by)
        on conflict (customer_id, name) do nothing;
    end if;
    insert into dibs.customer_aliases (customer_id, name, kind, source, added_by)
    select new.keep_id, x.name, x.kind, 'merge', new.merged_by
    from dibs.customer_aliases x where x.customer_id = new.drop_id and x.name <> v_keep_name
    on conflict (customer_id, name) do nothing;
    return new;
end
$$;

drop trigger if exists customer_merges_aliases on dibs.customer_merges;
create trigger customer_merges_aliases after insert on dibs.customer_merges
    for each row execute function dibs.alias_on_merge();
