-- requires: 0006
-- People and their logins, administered through checked functions with an audit of refusals;
-- duplicate rules changed by admins; the header figures of the app.

create or replace function dibs.audit(p_action text, p_target text, p_ok boolean, p_reason text, p_detail jsonb default null)
returns dibs.admin_result language plpgsql volatile as $$
declare
    v_target bigint;
begin
    insert into dibs.audit_log (actor_id, action, target, outcome, reason, detail)
    values (dibs.my_id(), p_action, p_target, case when p_ok then 'ok' else 'refused' end, p_reason,
            case when p_ok then p_detail end);
    if p_target ~ '^[0-9]{1,18}$' then
        v_target := p_target::bigint;
    end if;
    return row(p_ok, p_reason, v_target, case when p_ok then p_detail end)::dibs.admin_result;
end
$$;

create or replace function dibs.valid_login(p text) returns boolean language sql immutable as $$
    select p ~ '^[a-z_][a-z0-9_]{0,62}$' and p not like 'pg\_%'
       and p not in ('dibs_rep', 'dibs_manager', 'dibs_admin', 'dibs_viewer', 'dibs_partner', 'public')
$$;

-- A new person's login: checks the login name, display name, e-mail and password verifier,
-- and creates the login role in `p_group`. Returns the refusal ('invalid_argument',
-- 'already_exists'), or null once the login exists. Shared by user_add and partner_person_add.
create or replace function dibs.create_person_login(p_login text, p_name text, p_email text,
                                                    p_password_verifier text, p_group text)
returns text
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
begin
    if p_login is null or not dibs.valid_login(p_login) or p_name is null
       or length(trim(p_name)) not between 1 and 100 or length(p_email) > 200
       or (p_password_verifier is not null and p_password_verifier !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$') then
        return 'invalid_argument';
    end if;
    if exists (select 1 from pg_roles where rolname = p_login) or exists (select 1 from dibs.users where login_role = p_login) then
        return 'already_exists';
    end if;
    if p_password_verifier is null then
        execute format('create role %I login in role %I', p_login, p_group);
    else
        execute format('create role %I login password %L in role %I', p_login, p_password_verifier, p_group);
    end if;
    return null;
end
$$;

-- A new person: their PostgreSQL login (password given as a SCRAM verifier computed by the
-- client, so the password itself never reaches the server; null for peer/certificate
-- authentication) and their dibs user, together. Admins only.
create or replace function dibs.user_add(p_login text, p_name text, p_role text, p_team bigint,
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
    if p_role is null or p_role not in ('rep', 'manager', 'admin', 'viewer')
       or (p_team is not null and not exists (select 1 from dibs.teams where id = p_team)) then
        return dibs.audit('user_add', p_login, false, 'invalid_argument');
    end if;
    v_refusal := dibs.create_person_login(p_login, p_name, p_email, p_password_verifier, 'dibs_' || p_role);
    if v_refusal is not null then
        return dibs.audit('user_add', p_login, false, v_refusal);
    end if;
    insert into dibs.users (login_role, display_name, email, role, team_id)
    values (p_login, trim(p_name), p_email, p_role::dibs.user_role, p_team)
    returning id into v_id;
    return dibs.audit('user_add', v_id::text, true, 'ok',
                      jsonb_build_object('login', p_login, 'role', p_role, 'team', p_team));
end
$$;

create or replace function dibs.user_set_role(p_user bigint, p_role text) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    u dibs.users;
begin
    if dibs.my_role() <> 'admin' then
        return dibs.audit('user_set_role', null, false, 'not_permitted');
    end if;
    select * into u from dibs.users where id = p_user;
    -- A partner's person stays one (their partner is part of who they are): disable instead.
    if not found or p_role is null or p_role not in ('rep', 'manager', 'admin', 'viewer') or u.role = 'partner' then
        return dibs.audit('user_set_role', p_user::text, false, 'invalid_argument');
    end if;
    execute format('revoke %I from %I', 'dibs_' || u.role::text, u.login_role);
    execute format('grant %I to %I', 'dibs_' || p_role, u.login_role);
    update dibs.users set role = p_role::dibs.user_role where id = p_user;
    return dibs.audit('user_set_role', p_user::text, true, 'ok',
                      jsonb_build_object('from', u.role, 'to', p_role));
end
$$;

create or replace function dibs.user_set_team(p_user bigint, p_team bigint) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_old bigint;
begin
    if dibs.my_role() <> 'admin' then
        return dibs.audit('user_set_team', null, false, 'not_permitted');
    end if;
    select team_id into v_old from dibs.users where id = p_user;
    if not found or (p_team is not null and not exists (select 1 from dibs.teams where id = p_team)) then
        return dibs.audit('user_set_team', p_user::text, false, 'invalid_argument');
    end if;
    update dibs.users set team_id = p_team where id = p_user;
    return dibs.audit('user_set_team', p_user::text, true, 'ok', jsonb_build_object('from', v_old, 'to', p_team));
end
$$;

-- A person's holding limit in one pool (membership created if needed); null: the pool's.
-- Admins for anyone, managers for people in their teams.
create or replace function dibs.user_set_limit(p_user bigint, p_pool bigint, p_limit integer) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
begin
    if not (dibs.my_role() = 'admin' or (dibs.my_role() = 'manager' and p_user = any (dibs.my_scope_users()))) then
        return dibs.audit('user_set_limit', null, false, 'not_permitted');
    end if;
    if not exists (select 1 from dibs.users where id = p_user and active)
       or not exists (select 1 from dibs.pools where id = p_pool)
       or (p_limit is not null and p_limit not between 0 and 100000) then
        return dibs.audit('user_set_limit', p_user::text, false, 'invalid_argument');
    end if;
    insert into dibs.pool_members (pool_id, user_id, holding_limit) values (p_pool, p_user, p_limit)
    on conflict (pool_id, user_id) do update set holding_limit = excluded.holding_limit;
    return dibs.audit('user_set_limit', p_user::text, true, 'ok',
                      jsonb_build_object('pool', p_pool, 'limit', p_limit));
end
$$;

-- What disabling a person would move: their working leads and owned customers go back to
-- their pools (the auto-assigner then hands leads out by the pool's rules).
create or replace function dibs.user_holdings(p_user bigint)
returns table (entity text, id bigint, name text, pool text)
language sql stable security definer set search_path = dibs, pg_temp as $$
    select 'lead', l.id, l.company_name, p.name from dibs.leads l join dibs.pools p on p.id = l.pool_id
    where l.owner_id = p_user and l.status in ('new', 'working') and dibs.my_role() = 'admin'
    union all
    select 'customer', c.id, c.name, coalesce(p.name, '-') from dibs.customers c left join dibs.pools p on p.id = c.pool_id
    where c.owner_id = p_user and c.status = 'active' and dibs.my_role() = 'admin'
    order by 1, 2
$$;

-- Disables a person: their login can no longer connect, their history stays, their
-- holdings return to the pools (each move logged like any release), memberships end.
create or replace function dibs.user_disable(p_user bigint) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    u dibs.users;
    v_leads integer;
    v_customers integer;
    v_actor bigint := dibs.my_id();
begin
    if dibs.my_role() <> 'admin' then
        return dibs.audit('user_disable', null, false, 'not_permitted');
    end if;
    select * into u from dibs.users where id = p_user for update;
    if not found or not u.active or u.login_role = dibs.caller_login() then
        return dibs.audit('user_disable', p_user::text, false, 'invalid_argument');
    end if;
    perform dibs.lock_rep(p_user);
    with moved as (
        update dibs.leads set owner_id = null, owned_since = null, status = 'new', version = version + 1,
                              updated_at = now(), assign_attempted_at = null, assign_note = 'owner disabled'
        where owner_id = p_user and status in ('new', 'working')
        returning id, pool_id
    ), logged as (
        insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, from_owner, pool_id)
        select 'lead', id, 'release', 'ok', 'user_disabled', v_actor, p_user, pool_id from moved
        returning 1
    )
    select count(*) into v_leads from logged;
    with moved as (
        update dibs.customers set owner_id = null, owned_since = null, version = version + 1, updated_at = now()
        where owner_id = p_user and status = 'active'
        returning id, pool_id
    ), logged as (
        insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, from_owner, pool_id)
        select 'customer', id, 'release', 'ok', 'user_disabled', v_actor, p_user, pool_id from moved
        returning 1
    )
    select count(*) into v_customers from logged;
    delete from dibs.pool_members where user_id = p_user;
    update dibs.users set active = false where id = p_user;
    execute format('alter role %I nologin', u.login_role);
    return dibs.audit('user_disable', p_user::text, true, 'ok',
                      jsonb_build_object('leads_returned', v_leads, 'customers_returned', v_customers));
end
$$;

create or replace function dibs.set_dedup_rule(p_rule bigint, p_enabled boolean, p_threshold numeric,
                                    p_weight numeric, p_action text) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
begin
    if dibs.my_role() <> 'admin' then
        return dibs.audit('set_dedup_rule', null, false, 'not_permitted');
    end if;
    if not exists (select 1 from dibs.dedup_rules where id = p_rule)
       or p_threshold <= 0 or p_threshold > 1 or p_weight not between 0 and 10
       or p_action not in ('block', 'warn') then
        return dibs.audit('set_dedup_rule', p_rule::text, false, 'invalid_argument');
    end if;
    update dibs.dedup_rules set enabled = coalesce(p_enabled, enabled), threshold = coalesce(p_threshold, threshold),
                                weight = coalesce(p_weight, weight),
                                action = coalesce(p_action::dibs.dedup_action, action)
    where id = p_rule;
    return dibs.audit('set_dedup_rule', p_rule::text, true, 'ok',
                      jsonb_build_object('enabled', p_enabled, 'threshold', p_threshold, 'weight', p_weight,
                                         'action', p_action));
end
$$;

-- The app's header: counts within the caller's own scope, read by index in a definer
-- function rather than row by row through the policies (it shows only the caller's own).
-- The header line. A partner's person: their customers, and for holdings the partner's
-- registered companies against its capacity (a partner has no lead pools).
drop function if exists dibs.my_figures();
create or replace function dibs.my_figures(out display_name text, out team text, out customers bigint,
                                out pool_leads bigint, out holding bigint, out holding_limit bigint,
                                out partner boolean)
language sql stable parallel safe security definer set search_path = dibs, pg_temp as $$
    with me as (
        select u.id, u.display_name, coalesce(t.name, p.name, '-') as team, u.partner_id
        from dibs.users u left join dibs.teams t on t.id = u.team_id
        left join dibs.partners p on p.id = u.partner_id
        where u.login_role = dibs.caller_login() and u.active
    )
    select me.display_name, me.team,
           (select count(*) from dibs.customers c where c.owner_id = me.id and c.status = 'active'),
           (select count(*) from dibs.leads l join dibs.pool_members m on m.pool_id = l.pool_id
             where m.user_id = me.id and l.owner_id is null and l.status = 'new'),
           case when me.partner_id is null then
               (select count(*) from dibs.leads l where l.owner_id = me.id and l.status in ('new', 'working'))
           else
               (select count(*) from dibs.registrations g
                where g.partner_id = me.partner_id and g.status = 'active' and g.expires_at > now())
           end,
           case when me.partner_id is null then
               (select coalesce(sum(coalesce(m.holding_limit, p.holding_limit)), 0)::bigint
                  from dibs.pool_members m join dibs.pools p on p.id = m.pool_id
                 where m.user_id = me.id and p.kind = 'lead')
           else (dibs.partner_terms(me.partner_id)).capacity::bigint
           end,
           me.partner_id is not null
    from me
$$;
