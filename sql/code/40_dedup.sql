-- requires: 0004

-- Up to p_limit records per probe that may be the same company as the draft, with what the
-- client scores on and what the duplicate check may show of them (name, owner, team, status).
-- Probes: the credit code, phone and domain; the name's blocking keys (the exact trade name or
-- base first, then any key: one GIN probe each, dibs.name_keys); for partial typing, the start
-- of the core name; and trigram similarity (for Chinese names only when the rest found little).
drop function if exists dibs.dedup_candidates(text, text, text, text, text, integer);
drop function if exists dibs.dedup_candidates_unrestricted(text, text, text, text, text, integer);
create function dibs.dedup_candidates_unrestricted(p_name text, p_uscc text default null, p_phone text default null,
                                      p_email text default null, p_against text default 'customer',
                                      p_limit integer default 50)
returns table (entity text, id bigint, name text, name_core text, uscc text, uscc_valid boolean,
               phone_e164 text, email_domain text, parent_id bigint, owner_id bigint, owner_name text,
               team_name text, status text, via text, country text, aliases text[])
language plpgsql stable security definer set search_path = dibs, pg_temp
set pg_trgm.similarity_threshold = 0.5
-- Every probe has its index, read by a bitmap scan. A key array of twenty keys is estimated
-- to match 1% of the rows, so a LIMIT looks cheap on a sequential scan, or on an index that
-- only filters by status; when few rows match, that scan reads the whole table (measured:
-- 0.3–1 s at 1,000,000 customers instead of a few ms).
set enable_seqscan = off set enable_indexscan = off as $$
declare
    v_core text := dibs.name_core(coalesce(p_name, ''));
    v_phone text := dibs.phone_e164(p_phone);
    v_domain text := dibs.company_domain(p_email);
    v_code text := upper(regexp_replace(coalesce(p_uscc, ''), '[\s-]', '', 'g'));
    v_parts dibs.name_parts;
    v_keys text[];
    v_exact text[];
    -- A Chinese core's trigrams are mostly its industry's (禾威汽车零部件 shares four of eight
    -- with every 汽车零部件 company), so at 1,000,000 customers the trigram probe rechecks tens
    -- of thousands of rows (measured: 0.4 s for one such name) and can only find what shares
    -- half the name; a Chinese trade-name typo (禾盛 for 禾威) is below its threshold anyway.
    -- So for Chinese names it is the fallback when the key probes found almost nothing.
    v_fuzzy_below constant integer := 5;
begin
    if p_limit is null or p_limit < 1 or p_limit > 500 or length(p_name) > 200 then
        raise exception 'invalid argument' using errcode = '22023';
    end if;
    v_parts := dibs.parse_name(coalesce(p_name, ''));
    v_keys := dibs.name_keys(v_parts);
    -- The keys that say "this very name": trade name and core, or base and its words sorted.
    v_exact := case when v_parts.han then array['t:' || v_parts.trade, 'c:' || v_parts.trade || v_parts.industry]
                    else array['b:' || array_to_string(v_parts.tokens, ''),
                               'o:' || (select string_agg(t, '' order by t collate "C") from unnest(v_parts.tokens) t)]
               end;
    if p_against = 'customer' then
        return query
        with probed as (
            (select c.id, 'code'::text as via from dibs.customers c
             where v_code <> '' and c.uscc = v_code and c.uscc_valid and c.status = 'active' limit 5)
            union all
            (select c.id, 'phone' from dibs.customers c
             where v_phone is not null and c.phone_e164 = v_phone and c.status = 'active' limit 20)
            union all
            (select c.id, 'domain' from dibs.customers c
             where v_domain is not null and c.email_domain = v_domain and c.status = 'active' limit 20)
            union all
            (select c.id, 'keys' from dibs.customers c
             where c.name_keys && v_exact and c.status = 'active' limit p_limit)
            union all
            (select c.id, 'keys' from dibs.customers c
             where c.name_keys && v_keys and c.status = 'active' limit p_limit)
            union all
            -- The names customers are also known as (曾用名, 别名, English names).
            (select a.customer_id, 'alias' from dibs.customer_aliases a
             join dibs.customers c on c.id = a.customer_id and c.status = 'active'
             where a.name_keys && v_keys limit p_limit)
            union all
            (select c.id, 'prefix' from dibs.customers c
             where length(v_core) between 1 and 6 and c.name_core like replace(replace(v_core, '%', ''), '_', '') || '%'
               and c.status = 'active'
             order by length(c.name_core) limit p_limit)
        ), fuzzy as (
            select c.id, 'name'::text as via from dibs.customers c
             where length(v_core) >= 3 and c.name_core % v_core and c.status = 'active'
               and (not v_parts.han or (select count(*) from probed) < v_fuzzy_below)
             order by c.name_core <-> v_core limit p_limit
        ), hits as (
            select * from probed union all select * from fuzzy
        ), best as (
            select h.id, string_agg(distinct h.via, ',') as via from hits h group by h.id
        )
        select 'customer'::text, c.id, c.name, c.name_core, c.uscc, c.uscc_valid, c.phone_e164, c.email_domain,
               c.parent_id, c.owner_id, u.display_name, t.name, c.status::text, best.via, c.country,
               coalesce((select array_agg(x.name order by x.id) from dibs.customer_aliases x
                         where x.customer_id = c.id), '{}')
        from best join dibs.customers c on c.id = best.id
        left join dibs.users u on u.id = c.owner_id
        left join dibs.teams t on t.id = coalesce(c.team_id, u.team_id);
    else
        return query
        with probed as (
            (select l.id, 'code'::text as via from dibs.leads l
             where v_code <> '' and l.uscc = v_code and l.uscc_valid and l.status in ('new', 'working') limit 5)
            union all
            (select l.id, 'phone' from dibs.leads l
             where v_phone is not null and l.phone_e164 = v_phone and l.status in ('new', 'working') limit 20)
            union all
            (select l.id, 'domain' from dibs.leads l
             where v_domain is not null and l.email_domain = v_domain and l.status in ('new', 'working') limit 20)
            union all
            (select l.id, 'keys' from dibs.leads l
             where l.name_keys && v_exact and l.status in ('new', 'working') limit p_limit)
            union all
            (select l.id, 'keys' from dibs.leads l
             where l.name_keys && v_keys and l.status in ('new', 'working') limit p_limit)
            union all
            (select l.id, 'prefix' from dibs.leads l
             where length(v_core) between 1 and 6 and l.name_core like replace(replace(v_core, '%', ''), '_', '') || '%'
               and l.status in ('new', 'working')
             order by length(l.name_core) limit p_limit)
        ), fuzzy as (
            select l.id, 'name'::text as via from dibs.leads l
             where length(v_core) >= 3 and l.name_core % v_core and l.status in ('new', 'working')
               and (not v_parts.han or (select count(*) from probed) < v_fuzzy_below)
             order by l.name_core <-> v_core limit p_limit
        ), hits as (
            select * from probed union all select * from fuzzy
        ), best as (
            select h.id, string_agg(distinct h.via, ',') as via from hits h group by h.id
        )
        select 'lead'::text, l.id, l.company_name, l.name_core, l.uscc, l.uscc_valid, l.phone_e164, l.email_domain,
               null::bigint, l.owner_id, u.display_name, t.name, l.status::text, best.via, l.country,
               '{}'::text[]
        from best join dibs.leads l on l.id = best.id
        left join dibs.users u on u.id = l.owner_id
        left join dibs.teams t on t.id = u.team_id;
    end if;
end
$$;

-- Block rules hold for every insert, not only the ones made through dibs: a direct INSERT of
-- a blocked duplicate fails here. Creates of the same company (same core name) are serialised
-- so two reps saving at the same instant cannot both pass.
create or replace function dibs.enforce_customer_block_rules() returns trigger
language plpgsql as $$
declare
    r dibs.dedup_rules;
    v_existing bigint;
begin
    if new.status <> 'active' then
        return new;
    end if;
    -- Serialise creates of the same core name (1,024 buckets keep a bulk load's lock count bounded).
    perform pg_advisory_xact_lock(2291, abs(hashtext(new.name_core)) % 1024);
    for r in select * from dibs.dedup_rules
             where enabled and entity = 'customer' and against = 'customer' and action = 'block'
             order by position
    loop
        v_existing := null;
        -- (Generated columns are computed after BEFORE triggers: test the code itself.)
        if r.match_kind = 'uscc' and dibs.uscc_is_valid(new.uscc) then
            select c.id into v_existing from dibs.customers c
            where c.uscc = new.uscc and c.uscc_valid and c.status = 'active' and c.id <> new.id limit 1;
        elsif r.match_kind = 'name_fuzzy' and length(new.name_core) >= 2 then
            select c.id into v_existing from dibs.customers c
            where c.status = 'active' and c.id <> new.id
              and (c.name_core = new.name_core
                   or (r.threshold < 1 and c.name_core operator(dibs.%) new.name_core
                       and dibs.similarity(c.name_core, new.name_core) >= r.threshold))
            limit 1;
        elsif r.match_kind = 'phone' and new.phone_e164 is not null then
            select c.id into v_existing from dibs.customers c
            where c.phone_e164 = new.phone_e164 and c.status = 'active' and c.id <> new.id limit 1;
        elsif r.match_kind = 'email_domain' and new.email_domain is not null then
            select c.id into v_existing from dibs.customers c
            where c.email_domain = new.email_domain and c.status = 'active' and c.id <> new.id limit 1;
        end if;
        if v_existing is not null then
            raise exception 'duplicate blocked by rule "%": customer % already exists', r.name, v_existing
                using errcode = 'DB001',
                      detail = json_build_object('rule', r.name, 'rule_id', r.id, 'existing', v_existing)::text;
        end if;
    end loop;
    return new;
end
$$;

drop trigger if exists customers_20_block_rules on dibs.customers;
create trigger customers_20_block_rules before insert or update of name, uscc, phone, email_domain, status
    on dibs.customers for each row execute function dibs.enforce_customer_block_rules();

-- Creating a customer through dibs: the block rules (trigger), the warn rules (refused without
-- an override reason), ownership for the creator under the customer pool's limit, and a
-- decision row either way.
create or replace function dibs.create_customer(p_name text, p_uscc text default null, p_phone text default null,
                                     p_email text default null, p_region text default null,
                                     p_industry text default null, p_parent bigint default null,
                                     p_override_reason text default null, p_for bigint default null)
returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    a record;
    v_pool bigint;
    v_held integer;
    v_limit integer;
    v_id bigint;
    v_warned jsonb;
    v_core text := dibs.name_core(coalesce(p_name, ''));
    v_detail jsonb;
    v_company bigint;
    h record;
begin
    a := dibs.resolve_actor(p_for);
    if a.refusal is not null or a.actor_id is null then
        return dibs.result(false, coalesce(a.refusal, 'unknown_user'), 'customer', null, 'create', a.caller_id, null);
    end if;
    if p_name is null or length(trim(p_name)) = 0 or length(p_name) > 200 or length(p_override_reason) > 1000
       or length(p_uscc) > 18 or length(p_phone) > 40 or length(p_email) > 200 then
        return dibs.result(false, 'invalid_argument', 'customer', null, 'create', a.actor_id, null);
    end if;
    -- Warn rules: candidates by the same keys the live check uses.
    select jsonb_agg(jsonb_build_object('id', c.id, 'name', c.name, 'via', c.via, 'owner', c.owner_name))
    into v_warned
    from dibs.dedup_candidates(p_name, p_uscc, p_phone, p_email, 'customer', 20) c
    where c.via ~ '(code|phone|domain)' or c.name_core = v_core or dibs.similarity(c.name_core, v_core) >= (
        select coalesce(min(threshold), 1) from dibs.dedup_rules
        where enabled and entity = 'customer' and against = 'customer' and match_kind = 'name_fuzzy');
    if v_warned is not null and p_override_reason is null then
        insert into dibs.dedup_decisions (user_id, entity, draft_name, decision, candidates)
        values (a.actor_id, 'customer', p_name, 'needs_override', v_warned);
        return row(false, 'needs_override', 'customer', null, null, null, null, null,
                   jsonb_build_object('candidates', v_warned))::dibs.outcome;
    end if;
    select id into v_pool from dibs.pools where kind = 'customer' order by id limit 1;
    perform dibs.lock_rep(a.actor_id);
    v_held := dibs.customer_holdings(v_pool, a.actor_id);
    v_limit := coalesce(dibs.effective_limit(v_pool, a.actor_id), 2147483647);
    if v_held >= v_limit then
        return dibs.result(false, 'over_limit', 'customer', null, 'create', a.actor_id, null, null, null, v_pool,
                           jsonb_build_object('held', v_held, 'limit', v_limit));
    end if;
    begin
        insert into dibs.customers (name, uscc, phone, email, region, industry, parent_id, pool_id, owner_id,
                                    team_id, owned_since, created_by, source)
        values (trim(p_name), nullif(upper(regexp_replace(coalesce(p_uscc, ''), '[\s-]', '', 'g')), ''), p_phone,
                p_email, p_region, p_industry, p_parent, v_pool, a.actor_id,
                (select team_id from dibs.users where id = a.actor_id), now(), a.actor_id, 'dibs')
        returning id, company_id into v_id, v_company;
        -- I7: the new record's company may be held by someone else already. Under a warn
        -- rule the reason given for saving is the override; under block nothing is saved.
        perform dibs.lock_company(v_company);
        h := dibs.company_holder(v_company, 'customer', v_id, a.actor_id);
        if h.holder is not null then
            if h.mode = 'block' or coalesce(btrim(p_override_reason), '') = '' then
                raise exception using errcode = 'DB009', message = 'company_held',
                    detail = (dibs.company_refusal(v_company, h.holder, h.record_entity, h.record_id, h.record_name,
                                                   h.mode, h.mode = 'warn')
                              || jsonb_build_object('holder', h.holder, 'since', h.since))::text;
            end if;
            insert into dibs.company_overrides (company_id, user_id, reason)
            values (v_company, a.actor_id, left(btrim(p_override_reason), 500))
            on conflict (company_id, user_id) do update set reason = excluded.reason, created_at = now();
        end if;
    exception
        when sqlstate 'DB009' then
            get stacked diagnostics v_detail = pg_exception_detail;
            return dibs.result(false, 'company_held', 'customer', null, 'create', a.actor_id, null,
                               (v_detail ->> 'holder')::bigint, (v_detail ->> 'since')::timestamptz, v_pool,
                               v_detail);
        when sqlstate 'DB001' or unique_violation then
            get stacked diagnostics v_detail = pg_exception_detail;
            insert into dibs.dedup_decisions (user_id, entity, draft_name, decision, candidates)
            values (a.actor_id, 'customer', p_name, 'blocked', coalesce(v_warned, '[]'::jsonb));
            return row(false, 'duplicate_blocked', 'customer', null, null, null, null, null,
                       case when v_detail is not null and v_detail::text like '{%' then v_detail
                            else jsonb_build_object('rule', 'same credit code') end)::dibs.outcome;
        when foreign_key_violation or check_violation then
            return dibs.result(false, 'invalid_argument', 'customer', null, 'create', a.actor_id, null);
    end;
    insert into dibs.dedup_decisions (user_id, entity, created_id, draft_name, decision, candidates, override_reason)
    values (a.actor_id, 'customer', v_id, p_name,
            case when v_warned is null then 'clean' else 'warned_overridden' end, v_warned, p_override_reason);
    perform dibs.log_ownership('customer', v_id, 'create', true, 'ok', coalesce(a.caller_id, a.actor_id), null,
                               a.actor_id, v_pool);
    return row(true, 'ok', 'customer', v_id, a.actor_id, null, null, now(),
               jsonb_build_object('warned', v_warned))::dibs.outcome;
end
$$;

create function dibs.dedup_candidates(p_name text, p_uscc text default null, p_phone text default null,
                                      p_email text default null, p_against text default 'customer',
                                      p_limit integer default 50)
returns table (entity text, id bigint, name text, name_core text, uscc text, uscc_valid boolean,
               phone_e164 text, email_domain text, parent_id bigint, owner_id bigint, owner_name text,
               team_name text, status text, via text, country text, aliases text[])
language sql stable security definer set search_path = dibs, pg_temp as $$
    select c.entity, c.id, c.name, c.name_core, c.uscc, c.uscc_valid,
           case when c.phone_e164 = dibs.phone_e164(p_phone) then c.phone_e164 end,
           case when c.email_domain = dibs.company_domain(p_email) then c.email_domain end,
           c.parent_id, c.owner_id, c.owner_name, c.team_name, c.status, c.via, c.country, c.aliases
    from dibs.dedup_candidates_unrestricted(p_name, p_uscc, p_phone, p_email, p_against, p_limit) c
$$;
