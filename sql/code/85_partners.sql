-- requires: 0011
-- Channel partners (渠道报备). A partner's registration makes one of its people the owner of
-- the company's customer record for a protection period, so every rule of one owner per
-- company (I7) holds against partners as against reps: a direct rep is refused a registered
-- company, a partner is refused a company a direct rep holds and may ask for a review.
--
-- Serialisation: company first (lock_company), then the partner (advisory lock 1151), like
-- company-then-rep for claims. Capacity (active registrations) and the daily cap are counted
-- after both locks, so concurrent registrations of one partner cannot pass them together.
--
-- A partner learns about companies that are not theirs only: available, unavailable (held or
-- registered by someone — never who), held by direct sales (so a review can be asked), invalid.

-- A partner's terms: its own where set, else its tier's.
create or replace function dibs.partner_terms(p_partner bigint, out protection interval, out max_protection interval,
                                              out capacity integer, out daily_cap integer)
language sql stable security definer set search_path = dibs, pg_temp as $$
    select coalesce(p.protection, t.protection), greatest(coalesce(p.max_protection, t.max_protection),
                                                          coalesce(p.protection, t.protection)),
           coalesce(p.capacity, t.capacity), coalesce(p.daily_cap, t.daily_cap)
    from dibs.partners p join dibs.partner_tiers t on t.tier = p.tier
    where p.id = p_partner
$$;

create or replace function dibs.lock_partner(p_partner bigint) returns void
language plpgsql volatile as $$
begin
    perform pg_advisory_xact_lock(1151, p_partner::int);
end
$$;

-- The start of today in the organisation's time zone (daily caps reset at local midnight).
create or replace function dibs.local_day_start() returns timestamptz
language sql stable set search_path = dibs, pg_temp as $$
    select date_trunc('day', now() at time zone dibs.org_time_zone()) at time zone dibs.org_time_zone()
$$;

-- ---------------------------------------------------------------- administration
create or replace function dibs.partner_add(p_name text, p_tier text, p_credit_code text default null,
                                            p_channel_manager bigint default null)
returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_id bigint;
begin
    if dibs.my_role() <> 'admin' then
        return dibs.audit('partner_add', null, false, 'not_permitted');
    end if;
    if p_name is null or length(btrim(p_name)) not between 1 and 200
       or not exists (select 1 from dibs.partner_tiers where tier = p_tier)
       or (p_credit_code is not null and not coalesce(dibs.uscc_is_valid(upper(btrim(p_credit_code))), false))
       or (p_channel_manager is not null and not exists (
               select 1 from dibs.users where id = p_channel_manager and active and role in ('manager', 'admin'))) then
        return dibs.audit('partner_add', p_name, false, 'invalid_argument');
    end if;
    if exists (select 1 from dibs.partners where name = btrim(p_name)) then
        return dibs.audit('partner_add', p_name, false, 'already_exists');
    end if;
    insert into dibs.partners (name, credit_code, tier, channel_manager_id)
    values (btrim(p_name), upper(btrim(p_credit_code)), p_tier, p_channel_manager)
    returning id into v_id;
    return dibs.audit('partner_add', v_id::text, true, 'ok',
                      jsonb_build_object('name', btrim(p_name), 'tier', p_tier, 'channel_manager', p_channel_manager));
end
$$;

create or replace function dibs.partner_set_tier(p_partner bigint, p_tier text) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_old text;
begin
    if dibs.my_role() <> 'admin' then
        return dibs.audit('partner_set_tier', null, false, 'not_permitted');
    end if;
    select tier into v_old from dibs.partners where id = p_partner for update;
    if not found or not exists (select 1 from dibs.partner_tiers where tier = p_tier) then
        return dibs.audit('partner_set_tier', p_partner::text, false, 'invalid_argument');
    end if;
    -- Running registrations keep the terms they were given; new ones get the new tier's.
    update dibs.partners set tier = p_tier where id = p_partner;
    return dibs.audit('partner_set_tier', p_partner::text, true, 'ok', jsonb_build_object('from', v_old, 'to', p_tier));
end
$$;

-- A disabled partner's people can neither check nor register; what it holds stays protected
-- until its registrations run out (then the companies reopen as usual).
create or replace function dibs.partner_disable(p_partner bigint) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
begin
    if dibs.my_role() <> 'admin' then
        return dibs.audit('partner_disable', null, false, 'not_permitted');
    end if;
    update dibs.partners set active = false where id = p_partner;
    if not found then
        return dibs.audit('partner_disable', p_partner::text, false, 'invalid_argument');
    end if;
    return dibs.audit('partner_disable', p_partner::text, true, 'ok');
end
$$;

-- A partner's person: a login in dibs_partner and a dibs user of role partner, together.
create or replace function dibs.partner_person_add(p_login text, p_name text, p_partner bigint,
                                                   p_password_verifier text default null, p_email text default null)
returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_id bigint;
    v_refusal text;
begin
    if dibs.my_role() <> 'admin' then
        return dibs.audit('user_add', null, false, 'not_permitted');
    end if;
    if not exists (select 1 from dibs.partners where id = p_partner and active) then
        return dibs.audit('user_add', p_login, false, 'invalid_argument');
    end if;
    v_refusal := dibs.create_person_login(p_login, p_name, p_email, p_password_verifier, 'dibs_partner');
    if v_refusal is not null then
        return dibs.audit('user_add', p_login, false, v_refusal);
    end if;
    insert into dibs.users (login_role, display_name, email, role, partner_id)
    values (p_login, trim(p_name), p_email, 'partner', p_partner)
    returning id into v_id;
    return dibs.audit('user_add', v_id::text, true, 'ok',
                      jsonb_build_object('login', p_login, 'role', 'partner', 'partner', p_partner));
end
$$;

-- Partners with their terms and use (admins and managers; a channel manager sees hers first).
create or replace function dibs.partner_list()
returns table (id bigint, name text, tier text, active boolean, channel_manager text, people bigint,
               registered bigint, capacity integer, today bigint, daily_cap integer, protection_days integer,
               max_days integer, pending_reviews bigint)
language plpgsql stable security definer set search_path = dibs, pg_temp as $$
begin
    if coalesce(dibs.my_role(), '') not in ('admin', 'manager', 'viewer') then
        return;
    end if;
    return query
    select p.id, p.name, p.tier, p.active, dibs.user_display_name(p.channel_manager_id),
           (select count(*) from dibs.users u where u.partner_id = p.id and u.active),
           (select count(*) from dibs.registrations r
            where r.partner_id = p.id and r.status = 'active' and r.expires_at > now()),
           t.capacity,
           (select count(*) from dibs.registrations r where r.partner_id = p.id and r.created_at >= dibs.local_day_start()),
           t.daily_cap, extract(day from t.protection)::integer, extract(day from t.max_protection)::integer,
           (select count(*) from dibs.partner_reviews v where v.partner_id = p.id and v.state = 'pending')
    from dibs.partners p, dibs.partner_terms(p.id) t
    order by p.channel_manager_id is distinct from dibs.my_id(), p.name;
end
$$;

-- ---------------------------------------------------------------- which company
-- The company a typed name, credit code or phone means, without writing anything: a valid
-- code's records first; else the name is put through the same identity trigger as a saved
-- record, inside a sub-transaction that is rolled back (so "the same company" means exactly
-- what it means everywhere else); else a phone number of a live record. Null: a company
-- dibs does not know.
create or replace function dibs.probe_company(p_name text, p_code text, p_phone text) returns bigint
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_code constant text := dibs.valid_code(upper(btrim(p_code)));
    v_phone constant text := dibs.phone_e164(p_phone);
    v_company bigint;
    v_probe bigint;
    v_known boolean := false;
begin
    if v_code is not null then
        select company_id into v_company from (
            select c.company_id from dibs.customers c where c.uscc = v_code and c.uscc_valid and c.status = 'active'
            union all
            select l.company_id from dibs.leads l where l.uscc = v_code and l.uscc_valid and l.status in ('new', 'working')
        ) k where company_id is not null limit 1;
        if v_company is not null then
            return v_company;
        end if;
    end if;
    if length(btrim(coalesce(p_name, ''))) >= 2 then
        begin
            insert into dibs.customers (name, uscc) values (btrim(p_name), v_code)
            returning id, company_id into v_probe, v_company;
            v_known := exists (select 1 from dibs.customers c where c.company_id = v_company and c.id <> v_probe
                                                               and c.status = 'active')
                       or exists (select 1 from dibs.leads l where l.company_id = v_company
                                                           and l.status in ('new', 'working'));
            raise exception using errcode = 'DBPRB';
        exception when sqlstate 'DBPRB' then
            null;
        end;
        if v_known then
            return v_company;
        end if;
    end if;
    if v_phone is not null then
        select company_id into v_company from (
            select c.company_id from dibs.customers c where c.phone_e164 = v_phone and c.status = 'active'
            union all
            select l.company_id from dibs.leads l where l.phone_e164 = v_phone and l.status in ('new', 'working')
        ) k where company_id is not null limit 1;
        return v_company;
    end if;
    return null;
end
$$;

-- Why a partner may not register a company now, from the partner's side: null when it may.
-- 'yours' (already registered for this partner), 'protected_by' (someone's live registration),
-- 'house_account' (locked by the company), 'company_held' (a direct holder: a review may be
-- asked), 'held_by_partner' (another partner's person holds it). Callers hold the company lock.
create or replace function dibs.partner_obstacle(p_company bigint, p_partner bigint,
                                                 out obstacle text, out holder bigint, out since timestamptz,
                                                 out record_entity dibs.entity_kind, out record_id bigint)
language plpgsql stable security definer set search_path = dibs, pg_temp as $$
declare
    r record;
begin
    select g.registered_by, g.partner_id, g.starts_at, g.customer_id into r
    from dibs.registrations g join dibs.customers c on c.id = g.customer_id
    where c.company_id = p_company and c.status = 'active' and g.status = 'active' and g.expires_at > now()
    order by g.starts_at limit 1;
    if found then
        obstacle := case when r.partner_id = p_partner then 'yours' else 'protected_by' end;
        holder := r.registered_by; since := r.starts_at; record_entity := 'customer'; record_id := r.customer_id;
        return;
    end if;
    if exists (select 1 from dibs.customers c where c.company_id = p_company and c.status = 'active' and c.locked) then
        obstacle := 'house_account';
        return;
    end if;
    select k.owner_id, k.owned_since, k.entity, k.id, u.partner_id as owner_partner into r
    from dibs.company_records(p_company) k join dibs.users u on u.id = k.owner_id
    where k.owner_id is not null
    order by (u.partner_id is not distinct from p_partner), k.owned_since limit 1;
    if found and r.owner_partner is distinct from p_partner then
        obstacle := case when r.owner_partner is null then 'company_held' else 'held_by_partner' end;
        holder := r.owner_id; since := r.owned_since; record_entity := r.entity; record_id := r.id;
    end if;
end
$$;

-- What a partner types that may be checked or registered: a name of 2–200 characters, and a
-- credit code and phone, when given, that are valid. The check says `invalid` exactly where a
-- registration would refuse `invalid_argument`.
create or replace function dibs.partner_input_valid(p_name text, p_code text, p_phone text) returns boolean
language sql stable set search_path = dibs, pg_temp as $$
    select length(btrim(coalesce(p_name, ''))) >= 2 and length(p_name) <= 200
       and (nullif(btrim(p_code), '') is null or dibs.valid_code(upper(btrim(p_code))) is not null)
       and (nullif(btrim(p_phone), '') is null or dibs.phone_e164(p_phone) is not null)
$$;

-- ---------------------------------------------------------------- the availability check
-- available / unavailable / invalid / yours, or over_cap past the partner's daily number of
-- checks; every call audited. Never says who holds a company, or whether it is a rep or a
-- partner: the customer list cannot be read through it, only probed, at most check_cap a day.
create or replace function dibs.registration_check(p_name text, p_code text default null, p_phone text default null)
returns text
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_user bigint;
    v_partner bigint;
begin
    select u.id, u.partner_id into v_user, v_partner from dibs.users u where u.login_role = dibs.caller_login() and u.active;
    if v_partner is null then
        -- A channel manager checks for a partner with partner_check_for (below).
        raise exception using errcode = '42501', message = 'registration_check is for partner logins';
    end if;
    return dibs.partner_check_answer(v_user, v_partner, p_name, p_code, p_phone);
end
$$;

create or replace function dibs.partner_check_answer(p_user bigint, p_partner bigint, p_name text, p_code text,
                                                     p_phone text)
returns text
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_cap integer;
    v_answer text;
    v_company bigint;
    o record;
begin
    select check_cap into v_cap from dibs.partners where id = p_partner and active;
    if v_cap is null then
        v_answer := 'invalid';
    else
        perform pg_advisory_xact_lock(1152, p_partner::int);
        if (select count(*) from dibs.partner_checks c
            where c.partner_id = p_partner and c.at >= dibs.local_day_start()
              and c.answer <> 'over_cap') >= v_cap then
            v_answer := 'over_cap';
        elsif not dibs.partner_input_valid(p_name, p_code, p_phone) then
            v_answer := 'invalid';
        else
            v_company := dibs.probe_company(p_name, nullif(btrim(p_code), ''), nullif(btrim(p_phone), ''));
            if v_company is null then
                v_answer := 'available';
            else
                select * into o from dibs.partner_obstacle(v_company, p_partner);
                v_answer := case when o.obstacle is null then 'available'
                                 when o.obstacle = 'yours' then 'yours'
                                 else 'unavailable' end;
            end if;
        end if;
    end if;
    insert into dibs.partner_checks (partner_id, user_id, name, code, phone, answer)
    values (coalesce(p_partner, 0), p_user, left(p_name, 200), left(p_code, 40), left(p_phone, 40), v_answer);
    return v_answer;
end
$$;

-- A channel manager (or an admin) checks on a partner's behalf, against that partner's cap.
create or replace function dibs.partner_check_for(p_partner bigint, p_name text, p_code text default null,
                                                  p_phone text default null)
returns text
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
begin
    if not (dibs.my_role() = 'admin'
            or exists (select 1 from dibs.partners p where p.id = p_partner and p.channel_manager_id = dibs.my_id())) then
        raise exception using errcode = '42501', message = 'only the partner''s channel manager or an admin';
    end if;
    return dibs.partner_check_answer(dibs.my_id(), p_partner, p_name, p_code, p_phone);
end
$$;

-- ---------------------------------------------------------------- registering
-- What a partner's person is told: the outcome without the other party (who holds a company
-- is not a partner's to know); colleagues of the same partner are named.
create or replace function dibs.for_partner(o dibs.outcome, p_partner bigint) returns dibs.outcome
language plpgsql stable as $$
begin
    if o.other_user_id is not null
       and not exists (select 1 from dibs.users u where u.id = o.other_user_id and u.partner_id = p_partner) then
        o.other_user_id := null;
        o.other_user_name := null;
        o.other_since := null;
        o.detail := (coalesce(o.detail, '{}'::jsonb) - 'other' - 'other_since' - 'record_id' - 'record_name' - 'team'
                     - 'partner' - 'record_entity');
    end if;
    return o;
end
$$;

-- The core: register customer p_customer for partner p_partner, owned by p_owner (one of its
-- people), filed by p_actor (the same person, or a channel manager: 代报备). p_review: ask
-- for a review when a direct rep holds the company.
create or replace function dibs.register_for_partner(p_customer bigint, p_partner bigint, p_owner bigint,
                                                     p_actor bigint, p_note text, p_review boolean)
returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    c dibs.customers;
    t record;
    o record;
    v_review bigint;
    v_cooldown interval;
    v_expires timestamptz;
    v_detail jsonb := jsonb_build_object('partner', p_partner);
begin
    select * into c from dibs.customers where id = p_customer and status = 'active';
    if c.id is null then
        return dibs.result(false, 'not_found', 'customer', p_customer, 'register', p_actor, null, null, null, null, v_detail);
    end if;
    perform dibs.lock_company(c.company_id);
    perform dibs.lock_partner(p_partner);
    -- Registrations past their end that the worker has not expired yet protect nothing.
    perform dibs.expire_registrations_of(c.company_id);
    select * into c from dibs.customers where id = p_customer;
    select * into o from dibs.partner_obstacle(c.company_id, p_partner);
    if o.obstacle = 'yours' then
        return dibs.result(true, 'already_yours', 'customer', o.record_id, 'register', p_actor, c.owner_id,
                           null, o.since, c.pool_id, v_detail);
    elsif o.obstacle = 'house_account' then
        return dibs.result(false, 'house_account', 'customer', p_customer, 'register', p_actor, c.owner_id,
                           null, null, c.pool_id, v_detail);
    elsif o.obstacle in ('protected_by', 'held_by_partner') then
        return dibs.result(false, 'protected_by', 'customer', p_customer, 'register', p_actor, c.owner_id,
                           o.holder, o.since, c.pool_id, v_detail);
    elsif o.obstacle = 'company_held' then
        if p_review then
            begin
                insert into dibs.partner_reviews (customer_id, company_id, partner_id, requested_by, rival_id,
                                                  rival_since, note)
                values (p_customer, c.company_id, p_partner, p_owner, o.holder, o.since, left(p_note, 2000))
                returning id into v_review;
            exception when unique_violation then
                select id into v_review from dibs.partner_reviews
                where customer_id = p_customer and partner_id = p_partner and state = 'pending';
            end;
            v_detail := v_detail || jsonb_build_object('review', v_review);
        end if;
        perform dibs.result(false, 'company_held', 'customer', p_customer, 'register', p_actor, c.owner_id,
                            o.holder, o.since, c.pool_id, v_detail || jsonb_build_object('direct', true));
        return row(false, case when v_review is null then 'company_held' else 'review_requested' end,
                   'customer', p_customer, c.owner_id, o.holder, dibs.user_display_name(o.holder), o.since,
                   v_detail)::dibs.outcome;
    end if;
    -- Cooldown: this partner's registration of the company ended (expired, cancelled) lately.
    select partner_cooldown into v_cooldown from dibs.settings;
    if exists (select 1 from dibs.registrations g join dibs.customers x on x.id = g.customer_id
               where x.company_id = c.company_id and g.partner_id = p_partner
                 and g.status in ('expired', 'cancelled')
                 and least(g.expires_at, coalesce(g.ended_at, g.expires_at)) > now() - coalesce(v_cooldown, interval '7 days')) then
        return dibs.result(false, 'cooldown', 'customer', p_customer, 'register', p_actor, c.owner_id,
                           null, null, c.pool_id, v_detail);
    end if;
    select * into t from dibs.partner_terms(p_partner);
    if (select count(*) from dibs.registrations g
        where g.partner_id = p_partner and g.status = 'active' and g.expires_at > now()) >= t.capacity then
        return dibs.result(false, 'over_capacity', 'customer', p_customer, 'register', p_actor, c.owner_id,
                           null, null, c.pool_id, v_detail || jsonb_build_object('capacity', t.capacity));
    end if;
    if (select count(*) from dibs.registrations g
        where g.partner_id = p_partner and g.created_at >= dibs.local_day_start()) >= t.daily_cap then
        return dibs.result(false, 'daily_cap', 'customer', p_customer, 'register', p_actor, c.owner_id,
                           null, null, c.pool_id, v_detail || jsonb_build_object('cap', t.daily_cap));
    end if;
    v_expires := now() + t.protection;
    insert into dibs.registrations (customer_id, registered_by, partner_id, partner_name, note, expires_at, max_until)
    values (p_customer, p_actor, p_partner, (select name from dibs.partners where id = p_partner), left(p_note, 2000),
            v_expires, now() + t.max_protection);
    perform dibs.company_checked(c.company_id, p_owner);
    update dibs.customers
    set owner_id = p_owner, owned_since = now(), team_id = null, protected_until = v_expires,
        version = version + 1, updated_at = now()
    where id = p_customer;
    perform dibs.log_ownership('customer', p_customer, 'register', true, 'ok', p_actor, c.owner_id, p_owner,
                               c.pool_id, v_detail || jsonb_build_object('until', v_expires));
    return dibs.result(true, 'ok', 'customer', p_customer, 'register', p_actor, p_owner, null, now(), c.pool_id,
                       v_detail || jsonb_build_object('until', v_expires));
end
$$;

-- Who registers, for which partner and as whose: a partner's person for their own partner; a
-- channel manager (or an admin) for a partner she manages, owned by its first person.
create or replace function dibs.partner_actor(p_partner bigint, out actor bigint, out partner bigint,
                                              out owner bigint, out refusal text)
language plpgsql stable security definer set search_path = dibs, pg_temp as $$
declare
    u dibs.users;
begin
    select * into u from dibs.users where login_role = dibs.caller_login() and active;
    if u.partner_id is not null then
        if p_partner is not null and p_partner <> u.partner_id then
            refusal := 'not_permitted';
        end if;
        actor := u.id; partner := u.partner_id; owner := u.id;
    elsif u.id is not null and (u.role = 'admin'
            or exists (select 1 from dibs.partners p where p.id = p_partner and p.channel_manager_id = u.id)) then
        actor := u.id; partner := p_partner;
        select x.id into owner from dibs.users x where x.partner_id = p_partner and x.active order by x.id limit 1;
        if owner is null then
            refusal := 'partner_has_no_people';
        end if;
    else
        actor := u.id;
        refusal := case when p_partner is null then 'not_a_partner' else 'not_permitted' end;
    end if;
    if refusal is null and not exists (select 1 from dibs.partners where id = partner and active) then
        refusal := 'partner_disabled';
    end if;
end
$$;

-- Register an existing customer for a partner (a channel manager's 代报备, or a partner's
-- person re-registering one of theirs).
create or replace function dibs.partner_register_customer(p_customer bigint, p_partner bigint default null,
                                                          p_note text default null, p_review boolean default false)
returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    a record;
begin
    select * into a from dibs.partner_actor(p_partner);
    if a.refusal is not null then
        return dibs.for_partner(dibs.result(false, a.refusal, 'customer', p_customer, 'register', a.actor, null),
                                a.partner);
    end if;
    if length(p_note) > 2000 then
        return dibs.result(false, 'invalid_argument', 'customer', p_customer, 'register', a.actor, null);
    end if;
    return dibs.for_partner(dibs.register_for_partner(p_customer, a.partner, a.owner, a.actor, p_note, p_review),
                            a.partner);
end
$$;

-- Register a company by what the partner knows of it: the company dibs knows by that code,
-- name or phone, or a new customer record when dibs knows none.
create or replace function dibs.partner_register(p_name text, p_code text default null, p_phone text default null,
                                                 p_note text default null, p_review boolean default false,
                                                 p_partner bigint default null)
returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    a record;
    v_company bigint;
    v_customer bigint;
    v_code constant text := nullif(upper(btrim(p_code)), '');
    v_pool bigint;
begin
    select * into a from dibs.partner_actor(p_partner);
    if a.refusal is not null then
        return dibs.result(false, a.refusal, 'customer', null, 'register', a.actor, null);
    end if;
    if not dibs.partner_input_valid(p_name, p_code, p_phone) or length(p_note) > 2000 then
        return dibs.result(false, 'invalid_argument', 'customer', null, 'register', a.actor, null,
                           null, null, null, jsonb_build_object('partner', a.partner, 'name', left(p_name, 200)));
    end if;
    v_company := dibs.probe_company(p_name, v_code, nullif(btrim(p_phone), ''));
    if v_company is not null then
        -- The company's customer record: this partner's, else an unowned one, else the oldest.
        select c.id into v_customer from dibs.customers c left join dibs.users u on u.id = c.owner_id
        where c.company_id = v_company and c.status = 'active'
        order by u.partner_id is not distinct from a.partner desc, c.owner_id is null desc, c.id limit 1;
    end if;
    if v_customer is null then
        select id into v_pool from dibs.pools where kind = 'customer' order by id limit 1;
        insert into dibs.customers (name, uscc, phone, pool_id, created_by, source)
        values (btrim(p_name), v_code, nullif(btrim(p_phone), ''), v_pool, a.actor, 'partner')
        returning id into v_customer;
    end if;
    return dibs.for_partner(dibs.register_for_partner(v_customer, a.partner, a.owner, a.actor, p_note, p_review),
                            a.partner);
end
$$;

-- Registrations of the company that have run out, expired now (inside a registration, before
-- judging the company, so an expired registration never blocks one that may start).
create or replace function dibs.expire_registrations_of(p_company bigint) returns void
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    g record;
begin
    for g in
        select r.id from dibs.registrations r join dibs.customers c on c.id = r.customer_id
        where c.company_id = p_company and r.status = 'active' and r.expires_at <= now()
    loop
        perform dibs.end_registration(g.id, 'expired');
    end loop;
end
$$;

-- Ends one registration: protection off; a partner's hold on the customer ends with it
-- (expiry reopens the company), logged as the worker's expiry always was.
create or replace function dibs.end_registration(p_registration bigint, p_status dibs.registration_status)
returns void
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    r dibs.registrations;
    v_owner bigint;
    v_pool bigint;
begin
    update dibs.registrations set status = p_status, ended_at = now()
    where id = p_registration and status = 'active'
    returning * into r;
    if r.id is null then
        return;
    end if;
    select owner_id, pool_id into v_owner, v_pool from dibs.customers where id = r.customer_id;
    if r.partner_id is not null
       and exists (select 1 from dibs.users u where u.id = v_owner and u.partner_id = r.partner_id) then
        update dibs.customers
        set owner_id = null, owned_since = null, team_id = null, protected_until = null,
            version = version + 1, updated_at = now()
        where id = r.customer_id;
        insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, from_owner, to_owner, pool_id, detail)
        values ('customer', r.customer_id, 'expire', 'ok', 'registration_expired', v_owner, null, v_pool,
                jsonb_build_object('partner', r.partner_id));
    else
        update dibs.customers set protected_until = null where id = r.customer_id;
        insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, from_owner, to_owner, pool_id)
        values ('customer', r.customer_id, 'expire', 'ok', 'registration_expired', r.registered_by, null, v_pool);
    end if;
end
$$;

-- ---------------------------------------------------------------- reviews
-- The tie-break of a review: who was first (the direct side from when it took the company,
-- the partner from when it submitted; the same local day is a tie), then who logged more
-- follow-ups on the company in the last 30 days. Returns 'partner' or 'direct' and why.
create or replace function dibs.review_evidence(p_review bigint,
                                                out partner_first timestamptz, out direct_first timestamptz,
                                                out partner_followups bigint, out direct_followups bigint,
                                                out suggested text, out why text)
language plpgsql stable security definer set search_path = dibs, pg_temp as $$
declare
    v dibs.partner_reviews;
    v_tz constant text := dibs.org_time_zone();
begin
    select * into v from dibs.partner_reviews where id = p_review;
    if v.id is null then
        return;
    end if;
    partner_first := v.requested_at;
    direct_first := coalesce(v.rival_since, v.requested_at);
    select count(*) filter (where u.partner_id = v.partner_id), count(*) filter (where f.user_id = v.rival_id)
    into partner_followups, direct_followups
    from dibs.followups f join dibs.users u on u.id = f.user_id
    where f.happened_at > now() - interval '30 days'
      and (f.customer_id in (select c.id from dibs.customers c where c.company_id = v.company_id)
           or f.lead_id in (select l.id from dibs.leads l where l.company_id = v.company_id));
    if (partner_first at time zone v_tz)::date < (direct_first at time zone v_tz)::date then
        suggested := 'partner'; why := 'first';
    elsif (direct_first at time zone v_tz)::date < (partner_first at time zone v_tz)::date then
        suggested := 'direct'; why := 'first';
    elsif partner_followups > direct_followups then
        suggested := 'partner'; why := 'followups';
    else
        suggested := 'direct'; why := 'followups';
    end if;
end
$$;

-- May the caller decide this review: an admin, the partner's channel manager, or a manager
-- who does not manage the direct rep (neutral).
create or replace function dibs.may_review(p_review bigint) returns boolean
language plpgsql stable security definer set search_path = dibs, pg_temp as $$
declare
    v dibs.partner_reviews;
    u dibs.users;
begin
    select * into v from dibs.partner_reviews where id = p_review;
    select * into u from dibs.users where login_role = dibs.caller_login() and active;
    if v.id is null then
        return false;
    end if;
    if u.id is null then
        -- An administrator's login without a dibs user (the on-call account).
        return dibs.my_role() = 'admin';
    end if;
    return u.role = 'admin'
        or exists (select 1 from dibs.partners p where p.id = v.partner_id and p.channel_manager_id = u.id)
        or (u.role = 'manager' and not dibs.may_manage(u.id, u.role, v.rival_id) and u.id <> v.rival_id);
end
$$;

-- The review queue: pending reviews the caller may decide, with both sides' evidence.
create or replace function dibs.review_queue(p_all boolean default false)
returns table (id bigint, customer_id bigint, company text, partner text, requested_by text, requested_at timestamptz,
               direct_rep text, direct_team text, direct_since timestamptz, partner_followups bigint,
               direct_followups bigint, suggested text, why text, state text, reviewer text, decided_at timestamptz,
               reason text, overdue boolean, note text)
language plpgsql stable security definer set search_path = dibs, pg_temp as $$
begin
    if coalesce(dibs.my_role(), '') not in ('admin', 'manager') then
        return;
    end if;
    return query
    select v.id, v.customer_id, c.name, p.name, dibs.user_display_name(v.requested_by), v.requested_at,
           dibs.user_display_name(v.rival_id), t.name, v.rival_since, e.partner_followups, e.direct_followups,
           e.suggested, e.why, v.state, dibs.user_display_name(v.reviewer_id), v.decided_at, v.reason,
           v.state = 'pending' and v.requested_at + (select review_sla from dibs.settings) < now(), v.note
    from dibs.partner_reviews v
    join dibs.customers c on c.id = v.customer_id
    join dibs.partners p on p.id = v.partner_id
    left join dibs.users ru on ru.id = v.rival_id
    left join dibs.teams t on t.id = ru.team_id
    cross join lateral dibs.review_evidence(v.id) e
    where (p_all or v.state = 'pending') and dibs.may_review(v.id)
    order by v.state <> 'pending', v.requested_at
    limit 500;
end
$$;

-- Decide a review. Approved: the direct side's records of the company go back to their pools
-- and the partner's registration starts (its ordinary rules still apply: capacity, a rival
-- registration). Rejected: nothing moves. Both sides get a notice; the log keeps the reason.
create or replace function dibs.decide_review(p_review bigint, p_approve boolean, p_reason text)
returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v dibs.partner_reviews;
    v_me bigint := dibs.my_id();
begin
    select * into v from dibs.partner_reviews where id = p_review;
    if v.id is null then
        return dibs.result(false, 'not_found', 'customer', 0, 'register', v_me, null);
    end if;
    if not dibs.may_review(p_review) then
        return dibs.result(false, 'not_permitted', 'customer', v.customer_id, 'register', v_me, null);
    end if;
    if p_reason is null or length(btrim(p_reason)) not between 1 and 500 then
        return dibs.result(false, 'invalid_argument', 'customer', v.customer_id, 'register', v_me, null);
    end if;
    return dibs.settle_review(p_review, p_approve, btrim(p_reason), v_me);
end
$$;

create or replace function dibs.settle_review(p_review bigint, p_approve boolean, p_reason text, p_reviewer bigint)
returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v dibs.partner_reviews;
    v_out dibs.outcome;
    v_detail jsonb;
    k record;
begin
    perform dibs.lock_company((select company_id from dibs.customers where id = (
        select customer_id from dibs.partner_reviews where id = p_review)));
    select * into v from dibs.partner_reviews where id = p_review for update;
    if v.state <> 'pending' then
        return row(false, 'already_decided', 'customer', v.customer_id, null, v.reviewer_id,
                   dibs.user_display_name(v.reviewer_id), v.decided_at, null)::dibs.outcome;
    end if;
    v_detail := jsonb_build_object('review', v.id, 'partner', v.partner_id, 'rival', v.rival_id, 'reason', p_reason,
                                   'decision', case when p_approve then 'approved' else 'rejected' end);
    if p_approve then
        -- The direct side lets the company go: every live record of it held by the rival.
        for k in select * from dibs.company_records(v.company_id) r where r.owner_id = v.rival_id loop
            if k.entity = 'lead' then
                update dibs.leads set owner_id = null, owned_since = null, status = 'new', version = version + 1,
                                      updated_at = now()
                where id = k.id;
            else
                update dibs.customers set owner_id = null, owned_since = null, team_id = null, protected_until = null,
                                          version = version + 1, updated_at = now()
                where id = k.id;
            end if;
            perform dibs.log_ownership(k.entity, k.id, 'release', true, 'review_lost', p_reviewer, v.rival_id, null,
                                       k.pool_id, v_detail);
        end loop;
        v_out := dibs.register_for_partner(v.customer_id, v.partner_id, v.requested_by, coalesce(p_reviewer, v.requested_by),
                                           v.note, false);
        if not v_out.ok then
            -- Something else stands in the way now (a rival partner registered in between,
            -- capacity): the approval cannot take effect, and says why.
            raise exception using errcode = 'DB016', message = v_out.reason;
        end if;
    end if;
    update dibs.partner_reviews
    set state = case when p_approve then 'approved' else 'rejected' end, reviewer_id = p_reviewer,
        decided_at = now(), reason = p_reason
    where id = v.id;
    insert into dibs.notices (user_id, entity, entity_id, kind, due_at)
    values (v.requested_by, 'customer', v.customer_id, case when p_approve then 'review_won' else 'review_lost' end, now()),
           (v.rival_id, 'customer', v.customer_id, case when p_approve then 'review_lost' else 'review_won' end, now())
    on conflict do nothing;
    perform dibs.log_ownership('customer', v.customer_id, 'register', true,
                               case when p_approve then 'review_approved' else 'review_rejected' end,
                               p_reviewer, null, null, null, v_detail);
    return row(true, case when p_approve then 'review_approved' else 'review_rejected' end, 'customer',
               v.customer_id, case when p_approve then v.requested_by else v.rival_id end, null, null, null,
               v_detail)::dibs.outcome;
end
$$;

-- Reviews nobody decided within the organisation's SLA are settled by the tie-break (the
-- worker calls this; each settles in its own sub-transaction, so one that cannot take effect
-- is rejected with its reason rather than blocking the rest).
create or replace function dibs.settle_overdue_reviews(p_batch integer default 100) returns integer
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v record;
    e record;
    n integer := 0;
begin
    for v in
        select r.id from dibs.partner_reviews r
        where r.state = 'pending' and r.requested_at + (select review_sla from dibs.settings) < now()
        order by r.requested_at limit p_batch
    loop
        select * into e from dibs.review_evidence(v.id);
        begin
            perform dibs.settle_review(v.id, e.suggested = 'partner', 'sla:' || e.why, null);
        exception when sqlstate 'DB016' then
            perform dibs.settle_review(v.id, false, 'sla:blocked', null);
        end;
        n := n + 1;
    end loop;
    return n;
end
$$;

-- ---------------------------------------------------------------- the partner's own view
-- The caller's partner's registrations and review requests, newest first: status, days of
-- protection left, the review's state. A partner's person sees only these.
create or replace function dibs.my_registrations()
returns table (registration_id bigint, review_id bigint, customer_id bigint, company text, status text,
               registered_at timestamptz, expires_at timestamptz, max_until timestamptz, days_left integer,
               last_followup_at timestamptz, review_state text, review_reason text, registered_by text)
language plpgsql stable security definer set search_path = dibs, pg_temp as $$
declare
    v_partner constant bigint := dibs.my_partner();
begin
    if v_partner is null then
        return;
    end if;
    return query
    select * from (
        select g.id as registration_id, null::bigint as review_id, g.customer_id, c.name as company,
               case when g.status = 'active' and g.expires_at <= now() then 'expired' else g.status::text end
                   as status,
               g.starts_at as registered_at, g.expires_at, g.max_until,
               greatest(0, ceil(extract(epoch from g.expires_at - now()) / 86400))::integer as days_left,
               c.last_followup_at, null::text as review_state, null::text as review_reason,
               dibs.user_display_name(g.registered_by) as registered_by
        from dibs.registrations g join dibs.customers c on c.id = g.customer_id
        where g.partner_id = v_partner
        union all
        select null::bigint, v.id, v.customer_id, c.name, 'review', v.requested_at, null, null, null,
               null, v.state, v.reason, dibs.user_display_name(v.requested_by)
        from dibs.partner_reviews v join dibs.customers c on c.id = v.customer_id
        where v.partner_id = v_partner and v.state in ('pending', 'rejected')
    ) x
    order by coalesce(x.status = 'active' or x.review_state = 'pending', false) desc, x.registered_at desc
    limit 1000;
end
$$;
