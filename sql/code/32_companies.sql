-- requires: 0009
-- Companies (invariant I7: one owner per company). Which records are one company, the lock
-- that serialises ownership per company, who holds a company, and the backstop that refuses
-- any write leaving a company with two owners. The ownership functions (30_ownership.sql)
-- call company_holder() to refuse in words; the deferred trigger here catches every other
-- writer (a script, an administrator's psql, a future function that forgets).

-- Two lists of stated regions are compatible when either states none, or some reading of one
-- fits some reading of the other (南京 and 江苏/南京 are; 杭州 and 南京 are not).
create or replace function dibs.places_compatible(a text[], b text[]) returns boolean
language sql immutable parallel safe as $$
    select coalesce(cardinality(a), 0) = 0 or coalesce(cardinality(b), 0) = 0
        or exists (select 1 from unnest(a) x, unnest(b) y where dibs.place_compatible(x, y))
$$;

-- A valid credit code, or null.
create or replace function dibs.valid_code(p text) returns text
language sql immutable parallel safe as $$
    select case when dibs.uscc_is_valid(p) then p end
$$;

-- Serialises everything that can give a company an owner (I7), as lock_rep does per rep (I2).
-- Order: company first, then rep.
-- Inlined SQL, like lock_rep.
create or replace function dibs.lock_company(p_company bigint) returns void
language sql volatile as $$
    select pg_advisory_xact_lock(1148, (p_company % 2147483647)::int)
$$;

-- Marks a company as checked for an owner in this transaction (after lock_company and
-- company_holder found nobody in the way), so the commit-time backstop need not look again.
-- Setting it by hand gains nothing: only table owners can write owners without the functions.
-- PL/pgSQL rather than SQL here and in company_mode: a SQL function that is not inlined is
-- planned afresh on every call (measured 0.02–0.03 ms each, three calls a claim); PL/pgSQL
-- keeps its plans for the session.
create or replace function dibs.company_checked(p_company bigint, p_owner bigint) returns void
language plpgsql volatile as $$
begin
    perform set_config('dibs.company_checked', p_company || ':' || p_owner, true);
end
$$;

-- For sweeps that hold row locks already (see try_lock_rep).
create or replace function dibs.try_lock_company(p_company bigint) returns boolean
language sql volatile as $$
    select pg_try_advisory_xact_lock(1148, (p_company % 2147483647)::int)
$$;

-- The rule for a pair of record kinds.
create or replace function dibs.company_mode(a dibs.entity_kind, b dibs.entity_kind) returns text
language plpgsql stable as $$
begin
    return coalesce((select mode from dibs.company_rules
                     where pair = case when a = b then a::text || '_' || b::text else 'lead_customer' end),
                    'block');
end
$$;

-- Every live record of a company with its owner (open leads, active customers).
create or replace function dibs.company_records(p_company bigint)
returns table (entity dibs.entity_kind, id bigint, name text, owner_id bigint, owned_since timestamptz,
               last_followup_at timestamptz, pool_id bigint)
language sql stable security definer set search_path = dibs, pg_temp as $$
    select 'lead'::dibs.entity_kind, l.id, l.company_name, l.owner_id, l.owned_since, l.last_followup_at, l.pool_id
    from dibs.leads l where l.company_id = p_company and l.status in ('new', 'working')
    union all
    select 'customer'::dibs.entity_kind, c.id, c.name, c.owner_id, c.owned_since, c.last_followup_at, c.pool_id
    from dibs.customers c where c.company_id = p_company and c.status = 'active'
$$;

-- Who stands in the way of p_user holding record (p_entity, p_id) of company p_company: the
-- earliest holder of another record of it, under a rule that is not off and that p_user has
-- not overridden with a reason. Callers take lock_company first; this reads after the lock,
-- so it sees every committed claim of the company. `p_ignore` is an owner whose records move
-- along in the same call (a transfer takes the company's records of the old owner with it).
create or replace function dibs.company_holder(p_company bigint, p_entity dibs.entity_kind, p_id bigint,
                                               p_user bigint, p_ignore bigint default null,
                                               out holder bigint, out record_entity dibs.entity_kind,
                                               out record_id bigint, out record_name text,
                                               out since timestamptz, out mode text)
language plpgsql stable security definer set search_path = dibs, pg_temp as $$
declare
    v_overridden constant boolean := exists (select 1 from dibs.company_overrides o
                                             where o.company_id = p_company and o.user_id = p_user);
    v_lead_mode constant text := dibs.company_mode(p_entity, 'lead');
    v_customer_mode constant text := dibs.company_mode(p_entity, 'customer');
    l_owner bigint;
    l_id bigint;
    l_name text;
    l_since timestamptz;
    c_owner bigint;
    c_id bigint;
    c_name text;
    c_since timestamptz;
begin
    -- One probe per kind that the rules make relevant, on the company's index; a company of
    -- one record (the usual case) costs two index lookups that find nothing.
    if v_lead_mode = 'block' or (v_lead_mode = 'warn' and not v_overridden) then
        select x.owner_id, x.id, x.company_name, x.owned_since into l_owner, l_id, l_name, l_since
        from dibs.leads x
        where x.company_id = p_company and x.status in ('new', 'working') and x.owner_id is not null
          and x.owner_id <> p_user and x.owner_id is distinct from p_ignore
          and not (p_entity = 'lead' and x.id = p_id)
        order by x.owned_since limit 1;
    end if;
    if v_customer_mode = 'block' or (v_customer_mode = 'warn' and not v_overridden) then
        select x.owner_id, x.id, x.name, x.owned_since into c_owner, c_id, c_name, c_since
        from dibs.customers x
        where x.company_id = p_company and x.status = 'active' and x.owner_id is not null
          and x.owner_id <> p_user and x.owner_id is distinct from p_ignore
          and not (p_entity = 'customer' and x.id = p_id)
        order by x.owned_since limit 1;
    end if;
    -- A block rule's holder first, then the earlier holding.
    if l_owner is not null and (c_owner is null
            or (v_lead_mode = 'block') > (v_customer_mode = 'block')
            or ((v_lead_mode = 'block') = (v_customer_mode = 'block') and l_since <= c_since)) then
        holder := l_owner; record_entity := 'lead'; record_id := l_id; record_name := l_name;
        since := l_since; mode := v_lead_mode;
    elsif c_owner is not null then
        holder := c_owner; record_entity := 'customer'; record_id := c_id; record_name := c_name;
        since := c_since; mode := v_customer_mode;
    end if;
end
$$;

-- What a refusal for a held company says: the holder's name and team, the record and since
-- when — never contact details.
create or replace function dibs.company_refusal(p_company bigint, p_holder bigint, p_entity dibs.entity_kind,
                                                p_record bigint, p_name text, p_mode text,
                                                p_override_needed boolean)
returns jsonb
language sql stable security definer set search_path = dibs, pg_temp as $$
    select jsonb_build_object(
        'company', p_company, 'record_entity', p_entity, 'record_id', p_record, 'record_name', p_name,
        'team', (select t.name from dibs.users u join dibs.teams t on t.id = u.team_id where u.id = p_holder),
        'mode', p_mode, 'override_needed', p_override_needed)
$$;

-- The company of a record from its evidence, joining (and uniting) the companies of live
-- records with the same valid credit code, or the same core name and branch with compatible
-- regions and no conflicting credit codes (src/domain/identity.rs says the same in Rust). Runs after the forms and keys triggers. Creations of one core
-- name or code are serialised, so two people saving the same new company at once get one.
create or replace function dibs.assign_company() returns trigger
language plpgsql security definer set search_path = dibs, pg_temp as $$
declare
    v_self_customer bigint := case when tg_table_name = 'customers' then new.id end;
    v_self_lead bigint := case when tg_table_name = 'leads' then new.id end;
    v_core constant text := new.name_core;
    v_code constant text := dibs.valid_code(new.uscc);
    v_found bigint[];
    v_by_code bigint[];
    v_by_name bigint;
    v_fits bigint[];
    v_placed_fits bigint[];
    v_company bigint;
begin
    if new.company_pinned and new.company_id is not null then
        return new;
    end if;
    if tg_op = 'UPDATE' and new.company_id is not null and new.name_core = old.name_core
       and new.uscc is not distinct from old.uscc and new.name_places = old.name_places
       and new.name_branch = old.name_branch
       and not (old.company_pinned and not new.company_pinned) then
        return new;
    end if;
    if length(v_core) >= 2 then
        perform pg_advisory_xact_lock(2294, abs(hashtext(v_core)) % 4096);
    end if;
    if v_code is not null then
        perform pg_advisory_xact_lock(2295, abs(hashtext(v_code)) % 4096);
    end if;
    -- By code: every company with a record of this valid code.
    select array_agg(distinct company_id) into v_by_code from (
        select c.company_id from dibs.customers c
        where v_code is not null and c.uscc = v_code and c.status = 'active' and c.uscc_valid
          and c.id is distinct from v_self_customer and not c.company_pinned
        union all
        select l.company_id from dibs.leads l
        where v_code is not null and l.uscc = v_code and l.uscc_valid and l.status in ('new', 'working')
          and l.id is distinct from v_self_lead and not l.company_pinned
    ) evidence where company_id is not null;
    -- By name: the one company whose records of this core and branch all fit (regions
    -- compatible, codes not different); a name with a region prefers a company stating one.
    -- A name that fits two companies (no region, beside 深圳 and 成都 ones) joins neither.
    if length(v_core) >= 2 then
        with named as (
            select c.company_id, cardinality(c.name_places) > 0 as placed,
                   dibs.places_compatible(c.name_places, new.name_places)
                   and (v_code is null or not c.uscc_valid or c.uscc = v_code) as fits
            from dibs.customers c
            where c.name_core = v_core and c.name_branch = new.name_branch and c.status = 'active'
              and c.id is distinct from v_self_customer and not c.company_pinned
            union all
            select l.company_id, cardinality(l.name_places) > 0,
                   dibs.places_compatible(l.name_places, new.name_places)
                   and (v_code is null or not l.uscc_valid or l.uscc = v_code)
            from dibs.leads l
            where l.name_core = v_core and l.name_branch = new.name_branch and l.status in ('new', 'working')
              and l.id is distinct from v_self_lead and not l.company_pinned
            union all
            -- A name a customer is also known as (a former name, the name of a record merged
            -- into it) is that customer's company too; its regions are the alias's own, so
            -- only codes can disagree.
            select c.company_id, false,
                   v_code is null or not c.uscc_valid or c.uscc = v_code
            from dibs.customer_aliases a join dibs.customers c on c.id = a.customer_id
            where a.name_core = v_core and new.name_branch = '' and c.status = 'active'
              and c.id is distinct from v_self_customer and not c.company_pinned
        ), companies as (
            select company_id, bool_and(fits) as all_fit, bool_or(fits and placed) as placed_fit
            from named where company_id is not null group by company_id
        )
        select array_agg(company_id) filter (where all_fit),
               array_agg(company_id) filter (where all_fit and placed_fit)
        into v_fits, v_placed_fits from companies;
        if cardinality(new.name_places) > 0 and cardinality(v_placed_fits) = 1 then
            v_by_name := v_placed_fits[1];
        elsif cardinality(v_fits) = 1 then
            v_by_name := v_fits[1];
        end if;
    end if;
    select array_agg(distinct x order by x) into v_found
    from unnest(coalesce(v_by_code, '{}') || v_by_name) x where x is not null;
    if v_found is null then
        if tg_op = 'UPDATE' and new.company_id is not null
           and not exists (select 1 from dibs.company_records(new.company_id) r
                           where not (r.entity::text || 's' = tg_table_name and r.id = new.id)) then
            -- Alone in its company already: keep it.
            new.company_pinned := false;
            return new;
        end if;
        insert into dibs.companies default values returning id into v_company;
    else
        v_company := v_found[1];
        -- The new record is evidence that these companies are one: unite them. An owner
        -- conflict this creates is a collision that already happened (dibs report collisions).
        if cardinality(v_found) > 1 then
            update dibs.customers set company_id = v_company
            where company_id = any (v_found[2:]) and id is distinct from v_self_customer;
            update dibs.leads set company_id = v_company
            where company_id = any (v_found[2:]) and id is distinct from v_self_lead;
        end if;
    end if;
    new.company_id := v_company;
    new.company_pinned := false;
    return new;
end
$$;

drop trigger if exists customers_12_company on dibs.customers;
create trigger customers_12_company before insert or update of name, uscc, company_pinned on dibs.customers
    for each row execute function dibs.assign_company();

drop trigger if exists leads_12_company on dibs.leads;
create trigger leads_12_company before insert or update of company_name, uscc, company_pinned on dibs.leads
    for each row execute function dibs.assign_company();

-- The backstop: at commit, a record that got an owner must not share its company with
-- another holder (unless the rules allow it). Deferred, so a call that moves several records
-- of one company is judged on where it ends, and taken under the company lock, so two
-- transactions cannot both pass.
create or replace function dibs.check_company_owner() returns trigger
language plpgsql security definer set search_path = dibs, pg_temp as $$
declare
    v_entity constant dibs.entity_kind := tg_argv[0]::dibs.entity_kind;
    v_owner bigint;
    v_company bigint;
    h record;
begin
    if v_entity = 'lead' then
        select owner_id, company_id into v_owner, v_company from dibs.leads
        where id = new.id and status in ('new', 'working');
    else
        select owner_id, company_id into v_owner, v_company from dibs.customers
        where id = new.id and status = 'active';
    end if;
    if v_owner is null or v_company is null then
        return null;
    end if;
    -- An ownership function of this transaction checked this company for this owner under
    -- the company's lock, which is held until commit: nothing can have changed since.
    if current_setting('dibs.company_checked', true) = v_company || ':' || v_owner then
        return null;
    end if;
    perform dibs.lock_company(v_company);
    h := dibs.company_holder(v_company, v_entity, new.id, v_owner);
    if h.holder is not null then
        raise exception using errcode = 'DB007',
            message = format('%s already holds this company (%s %s %s)',
                             dibs.user_display_name(h.holder), h.record_entity, h.record_id, h.record_name),
            detail = dibs.company_refusal(v_company, h.holder, h.record_entity, h.record_id, h.record_name, h.mode, h.mode = 'warn')::text;
    end if;
    return null;
end
$$;

drop trigger if exists customers_90_company_owner on dibs.customers;
create constraint trigger customers_90_company_owner after insert or update of owner_id on dibs.customers
    deferrable initially deferred
    for each row when (new.owner_id is not null) execute function dibs.check_company_owner('customer');

drop trigger if exists leads_90_company_owner on dibs.leads;
create constraint trigger leads_90_company_owner after insert or update of owner_id on dibs.leads
    deferrable initially deferred
    for each row when (new.owner_id is not null) execute function dibs.check_company_owner('lead');

-- Records of a company held by someone else right now, for the warning before a claim (the
-- app asks for a reason under a warn rule). Visible names only: row-level security of the
-- caller is not bypassed for anything but the holder's name and team.
create or replace function dibs.company_of(p_entity dibs.entity_kind, p_id bigint) returns bigint
language sql stable security definer set search_path = dibs, pg_temp as $$
    select case when p_entity = 'lead' then (select company_id from dibs.leads where id = p_id)
                else (select company_id from dibs.customers where id = p_id) end
$$;

-- Who else holds a company (the earliest holder but the caller), by name only: what the
-- app marks with ⚠ in lists. Row-level security would hide the record; the name is what a
-- refusal would say anyway.
create or replace function dibs.company_holder_name(p_company bigint) returns text
language sql stable security definer set search_path = dibs, pg_temp as $$
    select dibs.user_display_name(r.owner_id)
    from dibs.company_records(p_company) r
    where r.owner_id is not null and r.owner_id <> coalesce(dibs.my_id(), 0)
    order by r.owned_since limit 1
$$;

-- The other live records of a record's company, for the 360° view: names, owners (names
-- only) and last touch — what a refusal would say anyway, never contact details.
create or replace function dibs.same_company(p_entity dibs.entity_kind, p_id bigint)
returns table (entity dibs.entity_kind, id bigint, name text, owner_name text, last_touch timestamptz)
language sql stable security definer set search_path = dibs, pg_temp as $$
    select r.entity, r.id, r.name, dibs.user_display_name(r.owner_id),
           coalesce(r.last_followup_at, r.owned_since)
    from dibs.company_records(dibs.company_of(p_entity, p_id)) r
    where not (r.entity = p_entity and r.id = p_id)
    order by r.owner_id is null, r.owned_since, r.entity, r.id
    limit 50
$$;

-- Companies held today by more than one owner: who, which records, since when, last
-- follow-up (managers see their scope; admins everything).
create or replace function dibs.company_collisions()
returns table (company_id bigint, entity dibs.entity_kind, id bigint, name text, owner_id bigint,
               owner_name text, team text, owned_since timestamptz, last_followup_at timestamptz)
language sql stable security definer set search_path = dibs, pg_temp as $$
    with held as (
        select 'lead'::dibs.entity_kind as entity, l.id, l.company_name as name, l.company_id, l.owner_id,
               l.owned_since, l.last_followup_at
        from dibs.leads l where l.owner_id is not null and l.status in ('new', 'working')
        union all
        select 'customer', c.id, c.name, c.company_id, c.owner_id, c.owned_since, c.last_followup_at
        from dibs.customers c where c.owner_id is not null and c.status = 'active'
    ), split as (
        select h.company_id from held h where h.company_id is not null
        group by h.company_id having count(distinct h.owner_id) > 1
    )
    select h.company_id, h.entity, h.id, h.name, h.owner_id, dibs.user_display_name(h.owner_id), t.name,
           h.owned_since, h.last_followup_at
    from held h join split s using (company_id)
    join dibs.users u on u.id = h.owner_id left join dibs.teams t on t.id = u.team_id
    where (select dibs.sees_everything()) or h.owner_id = any ((select dibs.my_scope_users())::bigint[])
    order by h.company_id, h.owned_since
$$;

-- Admins set the rule for a pair of record kinds.
create or replace function dibs.set_company_rule(p_pair text, p_mode text) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
begin
    if dibs.my_role() <> 'admin' then
        return dibs.audit('set_company_rule', p_pair, false, 'not_permitted');
    end if;
    if p_mode is null or p_mode not in ('block', 'warn', 'off')
       or not exists (select 1 from dibs.company_rules where pair = p_pair) then
        return dibs.audit('set_company_rule', p_pair, false, 'invalid_argument');
    end if;
    update dibs.company_rules set mode = p_mode, updated_by = dibs.my_id(), updated_at = now() where pair = p_pair;
    return dibs.audit('set_company_rule', p_pair, true, 'ok', jsonb_build_object('pair', p_pair, 'mode', p_mode));
end
$$;

-- An undone merge: the record is its own company from now on.
create or replace function dibs.split_company(p_entity dibs.entity_kind, p_id bigint) returns bigint
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_company bigint;
begin
    insert into dibs.companies default values returning id into v_company;
    if p_entity = 'lead' then
        update dibs.leads set company_id = v_company, company_pinned = true where id = p_id;
    else
        update dibs.customers set company_id = v_company, company_pinned = true where id = p_id;
    end if;
    return v_company;
end
$$;
