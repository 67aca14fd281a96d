-- requires: 0001

-- 查重 (duplicate check), database side: the name forms every rule compares, computed by the
-- database itself so no client can store a form that dodges a rule; indexes for candidate
-- retrieval; block rules enforced on insert; decisions logged for collision analytics.
--
-- The word lists mirror src/domain/names.rs; a test compares Rust and SQL on thousands of names.

-- NFKC (full width → half width) then simplified characters: the client's `canonical`.
create or replace function dibs.name_canonical(p text) returns text
language sql immutable strict parallel safe as $$
    select dibs.to_simplified(normalize(p, NFKC))
$$;

-- Letters and digits only, lower case, of text already canonical.
create or replace function dibs.basic_of_canonical(p text) returns text
language sql immutable strict parallel safe as $$
    select lower(regexp_replace(p, '[^[:alnum:]]', '', 'g'))
$$;

create or replace function dibs.name_basic(p text) returns text
language sql immutable strict parallel safe as $$
    select dibs.basic_of_canonical(dibs.name_canonical(p))
$$;

create or replace function dibs.name_core(p text) returns text
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
create or replace function dibs.phone_e164(p text) returns text
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

-- The company domain of an address, or null for free mail and malformed addresses.
create or replace function dibs.company_domain(p text) returns text
language sql stable strict parallel safe as $$
    with d as (select regexp_replace(lower(trim(trailing '.' from trim(split_part(trim(both '<> ' from p), '@', -1)))),
                                     '^mail\.', '') as domain
               where position('@' in p) > 1)
    select domain from d
    where domain ~ '^[a-z0-9-]+(\.[a-z0-9-]+)+$'
      and not exists (select 1 from dibs.free_mail_domains f where f.domain = d.domain)
$$;

-- Every row gets its comparison forms from the database, whoever writes it.
create or replace function dibs.customer_forms() returns trigger
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

create or replace function dibs.lead_forms() returns trigger
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
drop trigger if exists customers_10_forms on dibs.customers;
create trigger customers_10_forms before insert or update of name, phone, email, email_domain on dibs.customers
    for each row execute function dibs.customer_forms();

drop trigger if exists leads_10_forms on dibs.leads;
create trigger leads_10_forms before insert or update of company_name, phone, email, email_domain on dibs.leads
    for each row execute function dibs.lead_forms();
