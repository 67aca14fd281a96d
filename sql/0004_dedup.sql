-- 查重 (duplicate check), database side: the name forms every rule compares, computed by the
-- database itself so no client can store a form that dodges a rule; indexes for candidate
-- retrieval; block rules enforced on insert; decisions logged for collision analytics.
--
-- The word lists mirror src/domain/names.rs; a test compares Rust and SQL on thousands of names.

-- NFKC (full width → half width) then simplified characters: the client's `canonical`.
create function dibs.name_canonical(p text) returns text
language sql immutable strict parallel safe as $$
    select dibs.to_simplified(normalize(p, NFKC))
$$;

-- Letters and digits only, lower case, of text already canonical.
create function dibs.basic_of_canonical(p text) returns text
language sql immutable strict parallel safe as $$
    select lower(regexp_replace(p, '[^[:alnum:]]', '', 'g'))
$$;

create function dibs.name_basic(p text) returns text
language sql immutable strict parallel safe as $$
    select dibs.basic_of_canonical(dibs.name_canonical(p))
$$;

create function dibs.name_core(p text) returns text
language plpgsql immutable strict parallel safe as $$
declare
    regions constant text[] := array['内蒙古自治区', '黑龙江省', '北京市', '上海市', '天津市', '重庆市', '深圳市', '广州市', '杭州市', '苏州市', '南京市', '成都市', '武汉市', '西安市', '青岛市', '厦门市', '长沙市', '合肥市', '广东省', '江苏省', '浙江省', '四川省', '湖北省', '山东省', '福建省', '湖南省', '安徽省', '陕西省', '北京', '上海', '天津', '重庆', '深圳', '广州', '杭州', '苏州', '南京', '成都', '武汉', '西安', '青岛', '厦门', '长沙', '合肥', '广东', '江苏', '浙江', '四川', '湖北', '山东', '福建', '湖南', '安徽', '陕西', '中国', 'beijing', 'shanghai', 'shenzhen', 'guangzhou', 'hangzhou', 'suzhou', 'nanjing', 'chengdu', 'wuhan', 'xian', 'tianjin', 'chongqing', 'qingdao', 'xiamen', 'changsha', 'hefei', 'china']::text[];
    legal constant text[] := array['股份有限公司', '有限责任公司', '集团有限公司', '集团股份有限公司', '有限公司', '集团公司', '公司', '集团', 'corporationlimited', 'companylimited', 'coltd', 'corporation', 'limited', 'company', 'group', 'corp', 'inc', 'ltd', 'co', 'llc', 'plc', 'gmbh']::text[];
    branches constant text[] := array['分公司', '办事处', '分部', 'branch']::text[];
    generic constant text[] := array['银行', '科技', '信息技术', '技术', '贸易', '物流', '投资', '实业', '控股', '发展', 'bank', 'technology', 'trading', 'holdings']::text[];
    canonical constant text := dibs.name_canonical(p);
    rest text := canonical;
    stripped text := '';
    open_at integer;
    close_rel integer;
    core text;
    whole text;
    before text;
    marker text;
    cut integer;
    pos integer;
    f text;
    branch text;
    base text;
    without_legal text;
begin
    -- Bracketed parts that are only a region: 华为技术（深圳）有限公司 → 华为技术有限公司.
    loop
        open_at := strpos(rest, '(');
        exit when open_at = 0;
        close_rel := strpos(substr(rest, open_at), ')');
        exit when close_rel = 0;
        stripped := stripped || substr(rest, 1, open_at - 1);
        if not (dibs.basic_of_canonical(substr(rest, open_at + 1, close_rel - 2)) = any (regions)) then
            stripped := stripped || substr(rest, open_at, close_rel);
        end if;
        rest := substr(rest, open_at + close_rel);
    end loop;
    core := dibs.basic_of_canonical(stripped || rest);
    -- A branch suffix (…苏州分公司) is a separate signal, not part of the core.
    whole := dibs.basic_of_canonical(canonical);
    foreach f in array branches loop
        if right(whole, length(f)) = f then
            marker := f;
            exit;
        end if;
    end loop;
    if marker is not null then
        before := left(whole, length(whole) - length(marker));
        cut := 0;
        foreach f in array legal loop
            pos := strpos(reverse(before), reverse(f));
            if pos > 0 then
                cut := greatest(cut, length(before) - pos + 1);
            end if;
        end loop;
        branch := substr(before, cut + 1) || marker;
        if right(core, length(branch)) = branch then
            core := left(core, length(core) - length(branch));
        end if;
    end if;
    base := core;
    -- Legal forms stack (集团有限公司): strip them all from the end, never the whole name.
    core := regexp_replace(core, '^(.+?)(?:corporationlimited|companylimited|corporation|集团股份有限公司|limited|company|股份有限公司|有限责任公司|集团有限公司|coltd|group|有限公司|集团公司|corp|gmbh|inc|ltd|llc|plc|公司|集团|co)+$', '\1');
    without_legal := core;
    -- One leading region word, if something is left after it.
    core := regexp_replace(core, '^(?:guangzhou|chongqing|shanghai|shenzhen|hangzhou|changsha|beijing|nanjing|chengdu|tianjin|qingdao|内蒙古自治区|suzhou|xiamen|wuhan|hefei|china|黑龙江省|xian|北京市|上海市|天津市|重庆市|深圳市|广州市|杭州市|苏州市|南京市|成都市|武汉市|西安市|青岛市|厦门市|长沙市|合肥市|广东省|江苏省|浙江省|四川省|湖北省|山东省|福建省|湖南省|安徽省|陕西省|北京|上海|天津|重庆|深圳|广州|杭州|苏州|南京|成都|武汉|西安|青岛|厦门|长沙|合肥|广东|江苏|浙江|四川|湖北|山东|福建|湖南|安徽|陕西|中国)(.+)$', '\1');
    -- Fall back when too little is left (上海银行 must not become 银行).
    if length(core) >= 2 and not (core = any (generic)) then
        return core;
    elsif length(without_legal) >= 2 and not (without_legal = any (generic)) then
        return without_legal;
    end if;
    return base;
end
$$;

-- Phones to E.164 as src/domain/phone.rs does (null when not a valid number).
create function dibs.phone_e164(p text) returns text
language plpgsql immutable strict parallel safe as $$
declare
    main text := p;
    at integer;
    plus boolean;
    digits text;
    national text;
begin
    at := (select min(x) from unnest(array[strpos(lower(p), '转'), strpos(lower(p), '轉'), strpos(lower(p), '分机'),
                                           strpos(lower(p), 'ext'), strpos(lower(p), 'x'), strpos(lower(p), '#')]) x
           where x > 1);
    if at is not null and substr(p, at) ~ '[0-9]' then
        main := substr(p, 1, at - 1);
    end if;
    plus := ltrim(main) like '+%';
    digits := regexp_replace(main, '[^0-9]', '', 'g');
    if digits = '' then
        return null;
    end if;
    if plus then
        if left(digits, 2) <> '86' then
            return case when length(digits) between 8 and 15 then '+' || digits end;
        end if;
        digits := substr(digits, 3);
    elsif left(digits, 4) = '0086' then
        digits := substr(digits, 5);
    elsif length(digits) = 13 and left(digits, 3) = '861' then
        digits := substr(digits, 3);
    end if;
    national := case when left(digits, 1) = '0' then substr(digits, 2) else digits end;
    if left(digits, 1) = '1' and length(digits) <> 11 then
        return null;
    end if;
    if length(national) < 7 or length(national) > 12 then
        return null;
    end if;
    return '+86' || national;
end
$$;

create table dibs.free_mail_domains (domain text primary key);
insert into dibs.free_mail_domains values
    ('qq.com'), ('foxmail.com'), ('163.com'), ('126.com'), ('yeah.net'), ('sina.com'), ('sina.cn'), ('sohu.com'),
    ('139.com'), ('189.cn'), ('aliyun.com'), ('gmail.com'), ('outlook.com'), ('hotmail.com'), ('live.com'),
    ('yahoo.com'), ('icloud.com'), ('me.com'), ('protonmail.com'), ('msn.com');

-- The company domain of an address, or null for free mail and malformed addresses.
create function dibs.company_domain(p text) returns text
language sql stable strict parallel safe as $$
    with d as (select regexp_replace(lower(trim(trailing '.' from trim(split_part(trim(both '<> ' from p), '@', -1)))),
                                     '^mail\.', '') as domain
               where position('@' in p) > 1)
    select domain from d
    where domain ~ '^[a-z0-9-]+(\.[a-z0-9-]+)+$'
      and not exists (select 1 from dibs.free_mail_domains f where f.domain = d.domain)
$$;

-- Every row gets its comparison forms from the database, whoever writes it.
create function dibs.customer_forms() returns trigger
language plpgsql as $$
begin
    new.name_basic := dibs.name_basic(new.name);
    new.name_core := dibs.name_core(new.name);
    if new.phone is not null then
        new.phone_e164 := dibs.phone_e164(new.phone);
    end if;
    if new.email is not null then
        new.email_domain := dibs.company_domain(new.email);
    elsif new.email_domain is not null then
        new.email_domain := dibs.company_domain('x@' || new.email_domain);
    end if;
    return new;
end
$$;

create function dibs.lead_forms() returns trigger
language plpgsql as $$
begin
    new.name_basic := dibs.name_basic(new.company_name);
    new.name_core := dibs.name_core(new.company_name);
    if new.phone is not null then
        new.phone_e164 := dibs.phone_e164(new.phone);
    end if;
    if new.email is not null then
        new.email_domain := dibs.company_domain(new.email);
    elsif new.email_domain is not null then
        new.email_domain := dibs.company_domain('x@' || new.email_domain);
    end if;
    return new;
end
$$;

-- Triggers fire in name order: forms (10) before the rules that compare them (20).
create trigger customers_10_forms before insert or update of name, phone, email, email_domain on dibs.customers
    for each row execute function dibs.customer_forms();
create trigger leads_10_forms before insert or update of company_name, phone, email, email_domain on dibs.leads
    for each row execute function dibs.lead_forms();

-- Rows loaded before this migration get their forms now.
update dibs.customers set name = name;
update dibs.leads set company_name = company_name;

-- Candidate retrieval: trigrams on the core name (the full name shares 有限公司-type trigrams
-- with everything), prefix on the core for the first characters typed, exact keys.
create index customers_core_trgm on dibs.customers using gin (name_core dibs.gin_trgm_ops) where status = 'active';
create index customers_core_prefix on dibs.customers (name_core text_pattern_ops) where status = 'active';
create index leads_core_trgm on dibs.leads using gin (name_core dibs.gin_trgm_ops) where status in ('new', 'working');
create index leads_core_prefix on dibs.leads (name_core text_pattern_ops) where status in ('new', 'working');
create index leads_email_domain on dibs.leads (email_domain) where email_domain is not null;
create index leads_uscc on dibs.leads (uscc) where uscc_valid;

-- Up to p_limit records that may be the same company as the draft, with the keys the client
-- scores on and what the duplicate check may show of them (name, owner, team, status).
create function dibs.dedup_candidates(p_name text, p_uscc text default null, p_phone text default null,
                                      p_email text default null, p_against text default 'customer',
                                      p_limit integer default 50)
returns table (entity text, id bigint, name text, name_core text, uscc text, uscc_valid boolean,
               phone_e164 text, email_domain text, parent_id bigint, owner_id bigint, owner_name text,
               team_name text, status text, via text)
language plpgsql stable security definer set search_path = dibs, pg_temp
set pg_trgm.similarity_threshold = 0.5 as $$
declare
    v_core text := dibs.name_core(coalesce(p_name, ''));
    v_phone text := dibs.phone_e164(p_phone);
    v_domain text := dibs.company_domain(p_email);
    v_code text := upper(regexp_replace(coalesce(p_uscc, ''), '[\s-]', '', 'g'));
begin
    if p_limit is null or p_limit < 1 or p_limit > 500 or length(p_name) > 200 then
        raise exception 'invalid argument' using errcode = '22023';
    end if;
    if p_against = 'customer' then
        return query
        with hits as (
            (select c.id, 'code'::text as via from dibs.customers c
             where v_code <> '' and c.uscc = v_code and c.status = 'active' limit 5)
            union all
            (select c.id, 'phone' from dibs.customers c
             where v_phone is not null and c.phone_e164 = v_phone and c.status = 'active' limit 20)
            union all
            (select c.id, 'domain' from dibs.customers c
             where v_domain is not null and c.email_domain = v_domain and c.status = 'active' limit 20)
            union all
            (select c.id, 'prefix' from dibs.customers c
             where length(v_core) between 1 and 6 and c.name_core like replace(replace(v_core, '%', ''), '_', '') || '%'
               and c.status = 'active'
             order by length(c.name_core) limit p_limit)
            union all
            (select c.id, 'name' from dibs.customers c
             where length(v_core) >= 3 and c.name_core % v_core and c.status = 'active'
             order by c.name_core <-> v_core limit p_limit)
        ), best as (
            select h.id, string_agg(distinct h.via, ',') as via from hits h group by h.id
        )
        select 'customer'::text, c.id, c.name, c.name_core, c.uscc, c.uscc_valid, c.phone_e164, c.email_domain,
               c.parent_id, c.owner_id, u.display_name, t.name, c.status::text, best.via
        from best join dibs.customers c on c.id = best.id
        left join dibs.users u on u.id = c.owner_id
        left join dibs.teams t on t.id = coalesce(c.team_id, u.team_id);
    else
        return query
        with hits as (
            (select l.id, 'code'::text as via from dibs.leads l
             where v_code <> '' and l.uscc = v_code and l.uscc_valid and l.status in ('new', 'working') limit 5)
            union all
            (select l.id, 'phone' from dibs.leads l
             where v_phone is not null and l.phone_e164 = v_phone and l.status in ('new', 'working') limit 20)
            union all
            (select l.id, 'domain' from dibs.leads l
             where v_domain is not null and l.email_domain = v_domain and l.status in ('new', 'working') limit 20)
            union all
            (select l.id, 'prefix' from dibs.leads l
             where length(v_core) between 1 and 6 and l.name_core like replace(replace(v_core, '%', ''), '_', '') || '%'
               and l.status in ('new', 'working')
             order by length(l.name_core) limit p_limit)
            union all
            (select l.id, 'name' from dibs.leads l
             where length(v_core) >= 3 and l.name_core % v_core and l.status in ('new', 'working')
             order by l.name_core <-> v_core limit p_limit)
        ), best as (
            select h.id, string_agg(distinct h.via, ',') as via from hits h group by h.id
        )
        select 'lead'::text, l.id, l.company_name, l.name_core, l.uscc, l.uscc_valid, l.phone_e164, l.email_domain,
               null::bigint, l.owner_id, u.display_name, t.name, l.status::text, best.via
        from best join dibs.leads l on l.id = best.id
        left join dibs.users u on u.id = l.owner_id
        left join dibs.teams t on t.id = u.team_id;
    end if;
end
$$;

-- Every warning shown, every block and every override: the collision statistics.
create table dibs.dedup_decisions (
    id               bigint generated always as identity primary key,
    at               timestamptz not null default now(),
    user_id          bigint,
    login            name not null default session_user,
    entity           dibs.entity_kind not null,
    created_id       bigint,
    draft_name       text not null,
    decision         text not null check (decision in ('clean', 'warned_overridden', 'blocked', 'needs_override')),
    candidates       jsonb,
    override_reason  text check (length(override_reason) <= 1000)
);
create index on dibs.dedup_decisions (at);

-- Block rules hold for every insert, not only the ones made through dibs: a direct INSERT of
-- a blocked duplicate fails here. Creates of the same company (same core name) are serialised
-- so two reps saving at the same instant cannot both pass.
create function dibs.enforce_customer_block_rules() returns trigger
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

create trigger customers_20_block_rules before insert or update of name, uscc, phone, email_domain, status
    on dibs.customers for each row execute function dibs.enforce_customer_block_rules();

-- Creating a customer through dibs: the block rules (trigger), the warn rules (refused without
-- an override reason), ownership for the creator under the customer pool's limit, and a
-- decision row either way.
create function dibs.create_customer(p_name text, p_uscc text default null, p_phone text default null,
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
begin
    select * into a from dibs.resolve_actor(p_for);
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
        returning id into v_id;
    exception
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

select dibs.lock_down_functions();
grant execute on function
    dibs.dedup_candidates(text, text, text, text, text, integer),
    dibs.create_customer(text, text, text, text, text, text, bigint, text, bigint),
    dibs.name_basic(text), dibs.name_core(text), dibs.phone_e164(text), dibs.company_domain(text),
    dibs.to_simplified(text)
to dibs_rep, dibs_manager, dibs_admin;
grant select on all tables in schema dibs to dibs_viewer, dibs_rep, dibs_manager, dibs_admin;
