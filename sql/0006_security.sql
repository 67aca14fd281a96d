-- Security: row-level security on every table with customer data, contact details masked
-- for whoever may not see them, user administration through checked functions, an audit
-- of refused administration. A rep with psql can do exactly what the app lets them do.
--
-- Who sees what (reps / managers / admins / viewers):
--   leads      own; the team's (reps: when settings.reps_see_team); unclaimed leads of pools
--              they are a member of. Managers: their teams' (team and teams below). Admins
--              and viewers: all.
--   customers  own; the team's; unowned (公海). Managers: their teams'. Admins, viewers: all.
--   everything else about a customer (contacts, opportunities, follow-ups, registrations,
--   merges, history) follows the customer or the people in scope.
--   Others' records: only through dibs.dedup_candidates (name, owner, team, status).
-- Contact details (phone, e-mail) are not readable from the tables by client roles; the
-- *_contact views show them masked (138****5678, w***@example.com) unless the caller owns
-- the record (a manager: their teams'; an admin: all; a pool that does not mask: its leads).

create table dibs.settings (
    singleton       boolean primary key default true check (singleton),
    reps_see_team   boolean not null default true
);
insert into dibs.settings default values;

-- The caller, resolved by session_user (never current_user: inside SECURITY DEFINER code
-- that is the owner), and everything their visibility depends on, in one PL/pgSQL function
-- (its plans are cached per session: as SQL functions these were re-planned on every call
-- and cost ~1 ms per statement). Policies call the accessors below inside scalar
-- subqueries, which PostgreSQL runs once per statement (InitPlan), not once per row.
create type dibs.scope as (
    user_id     bigint,
    role        text,       -- rep, manager, admin, viewer; 'none' for a login that is none
    everything  boolean,    -- admins and viewers see every row
    teams       bigint[],   -- teams whose records the caller sees
    users       bigint[],   -- people whose records the caller sees (themself included)
    unmasked    bigint[],   -- people whose contact details the caller sees unmasked
    pools       bigint[]    -- pools the caller is a member of
);

create function dibs.compute_scope(p_login name) returns dibs.scope
language plpgsql stable security definer set search_path = dibs, pg_temp as $$
declare
    s dibs.scope;
    v_team bigint;
begin
    select u.id, u.role::text, u.team_id into s.user_id, s.role, v_team
    from dibs.users u where u.login_role = p_login and u.active;
    if s.role is null then
        s.role := case when pg_has_role(p_login, 'dibs_admin', 'member') then 'admin'
                       when pg_has_role(p_login, 'dibs_manager', 'member') then 'manager'
                       when pg_has_role(p_login, 'dibs_viewer', 'member') then 'viewer'
                       else 'none' end;
    end if;
    s.everything := s.role in ('admin', 'viewer');
    -- A manager: their team and every team below it. A rep: their team, when reps see it.
    if v_team is null then
        s.teams := '{}';
    elsif s.role in ('manager', 'admin') then
        with recursive t(id) as (
            select v_team
            union
            select x.id from dibs.teams x join t on x.parent_id = t.id
        )
        select array_agg(id) into s.teams from t;
    elsif (select reps_see_team from dibs.settings) then
        s.teams := array[v_team];
    else
        s.teams := '{}';
    end if;
    select coalesce(array_agg(id), '{}') into s.users
    from dibs.users where id = s.user_id or team_id = any (s.teams);
    s.unmasked := case when s.role = 'manager' then s.users
                       when s.user_id is not null then array[s.user_id]
                       else '{}' end;
    select coalesce(array_agg(pool_id), '{}') into s.pools from dibs.pool_members where user_id = s.user_id;
    return s;
end
$$;

-- Every person's scope, kept current by triggers on what it depends on (people, teams,
-- memberships, settings): the policies of the big tables read it with one index lookup
-- per statement. Scopes are not secret (who is in which team is in dibs.users anyway).
create table dibs.user_scopes (
    login       name primary key,
    user_id     bigint,
    role        text not null,
    everything  boolean not null,
    teams       bigint[] not null,
    users       bigint[] not null,
    unmasked    bigint[] not null,
    pools       bigint[] not null
);

create function dibs.rebuild_scopes() returns void
language sql security definer set search_path = dibs, pg_temp as $$
    delete from dibs.user_scopes;
    insert into dibs.user_scopes (login, user_id, role, everything, teams, users, unmasked, pools)
    select u.login_role, (s).user_id, (s).role, (s).everything, (s).teams, (s).users, (s).unmasked, (s).pools
    from (select u.login_role, dibs.compute_scope(u.login_role) as s from dibs.users u where u.active) u;
$$;

create function dibs.refresh_scopes() returns trigger
language plpgsql security definer set search_path = dibs, pg_temp as $$
begin
    perform dibs.rebuild_scopes();
    return null;
end
$$;

create trigger users_refresh_scopes after insert or update or delete or truncate on dibs.users
    for each statement execute function dibs.refresh_scopes();
create trigger teams_refresh_scopes after insert or update or delete or truncate on dibs.teams
    for each statement execute function dibs.refresh_scopes();
create trigger pool_members_refresh_scopes after insert or update or delete or truncate on dibs.pool_members
    for each statement execute function dibs.refresh_scopes();
create trigger settings_refresh_scopes after insert or update or delete or truncate on dibs.settings
    for each statement execute function dibs.refresh_scopes();

select dibs.rebuild_scopes();

create function dibs.my_scope() returns dibs.scope
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
declare
    s dibs.scope;
begin
    select user_id, role, everything, teams, users, unmasked, pools into s
    from dibs.user_scopes where login = session_user;
    if not found then
        -- A login without a dibs user (an on-call admin account, a dashboard viewer).
        s := dibs.compute_scope(session_user);
    end if;
    return s;
end
$$;

create function dibs.my_id() returns bigint
language sql stable parallel safe security definer set search_path = dibs, pg_temp as $$
    select id from dibs.users where login_role = session_user and active
$$;

create function dibs.my_role() returns text
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
begin
    return (dibs.my_scope()).role;
end
$$;

create function dibs.sees_everything() returns boolean
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
begin
    return (dibs.my_scope()).everything;
end
$$;

create function dibs.my_team_scope() returns bigint[]
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
begin
    return (dibs.my_scope()).teams;
end
$$;

create function dibs.my_scope_users() returns bigint[]
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
begin
    return (dibs.my_scope()).users;
end
$$;

create function dibs.my_unmasked_users() returns bigint[]
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
begin
    return (dibs.my_scope()).unmasked;
end
$$;

create function dibs.my_pools() returns bigint[]
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
begin
    return (dibs.my_scope()).pools;
end
$$;

create function dibs.contacts_unmasked(p_owner bigint) returns boolean
language sql stable parallel safe as $$
    select coalesce((select dibs.my_role()) = 'admin' or p_owner = any ((select dibs.my_unmasked_users())::bigint[]),
                    false)
$$;

-- 13812345678 → 138****5678; short numbers keep only their last two digits.
create function dibs.mask_phone(p text) returns text
language sql immutable parallel safe as $$
    select case
        when p is null then null
        when length(d) >= 7 then left(d, 3) || '****' || right(d, 4)
        else '****' || right(d, 2)
    end
    from (select regexp_replace(p, '\D', '', 'g') as d) digits
$$;

-- wang@example.com → w***@example.com
create function dibs.mask_email(p text) returns text
language sql immutable parallel safe as $$
    select case
        when p is null then null
        when position('@' in p) > 1 then left(p, 1) || '***' || substr(p, position('@' in p))
        else '***'
    end
$$;

-- The visibility of leads and customers, written once and used by the policies and the
-- contact views. Spelled out rather than called as a function: PostgreSQL inlines no SQL
-- function whose body has a sub-select, and only the sub-selects make the caller's scope
-- a once-per-statement InitPlan (a function call per row measured 1.7 ms per row). The
-- InitPlans are index lookups in dibs.user_scopes (the coalesce's second arm runs only
-- for a login without a dibs user).
create function dibs.visibility_predicate(p_kind text, p_alias text) returns text
language sql immutable as $$
    select format(case p_kind
        when 'lead' then
            '(coalesce((select s.everything from dibs.user_scopes s where s.login = session_user),'
            '          (select dibs.sees_everything()))'
            ' or %1$s.owner_id = any ((select s.users from dibs.user_scopes s where s.login = session_user)::bigint[])'
            ' or (%1$s.owner_id is null'
            '     and %1$s.pool_id = any ((select s.pools from dibs.user_scopes s where s.login = session_user)::bigint[])))'
        when 'customer' then
            '(coalesce((select s.everything from dibs.user_scopes s where s.login = session_user),'
            '          (select dibs.sees_everything()))'
            ' or %1$s.owner_id = any ((select s.users from dibs.user_scopes s where s.login = session_user)::bigint[])'
            ' or %1$s.team_id = any ((select s.teams from dibs.user_scopes s where s.login = session_user)::bigint[])'
            ' or (%1$s.owner_id is null and %1$s.status = ''active''))'
    end, p_alias)
$$;

alter table dibs.leads enable row level security;
alter table dibs.customers enable row level security;
do $$
begin
    execute format('create policy visible on dibs.leads for select using %s',
                   dibs.visibility_predicate('lead', 'leads'));
    execute format('create policy visible on dibs.customers for select using %s',
                   dibs.visibility_predicate('customer', 'customers'));
end
$$;

alter table dibs.contacts enable row level security;
create policy visible on dibs.contacts for select using (
    (select dibs.sees_everything()) or exists (select 1 from dibs.customers c where c.id = customer_id));

alter table dibs.opportunities enable row level security;
create policy visible on dibs.opportunities for select using (
    (select dibs.sees_everything())
    or owner_id = any ((select dibs.my_scope_users())::bigint[])
    or exists (select 1 from dibs.customers c where c.id = customer_id));

alter table dibs.followups enable row level security;
create policy visible on dibs.followups for select using (
    (select dibs.sees_everything()) or user_id = any ((select dibs.my_scope_users())::bigint[]));

alter table dibs.registrations enable row level security;
create policy visible on dibs.registrations for select using (
    (select dibs.sees_everything()) or registered_by = any ((select dibs.my_scope_users())::bigint[]));

alter table dibs.ownership_log enable row level security;
create policy visible on dibs.ownership_log for select using (
    (select dibs.sees_everything())
    or actor_id = any ((select dibs.my_scope_users())::bigint[])
    or from_owner = any ((select dibs.my_scope_users())::bigint[])
    or to_owner = any ((select dibs.my_scope_users())::bigint[]));

alter table dibs.dedup_decisions enable row level security;
create policy visible on dibs.dedup_decisions for select using (
    (select dibs.sees_everything()) or user_id = any ((select dibs.my_scope_users())::bigint[]));

alter table dibs.drafts enable row level security;
create policy visible on dibs.drafts for select using (
    (select dibs.sees_everything()) or user_id = (select dibs.my_id()));

alter table dibs.customer_merges enable row level security;
create policy visible on dibs.customer_merges for select using (
    (select dibs.sees_everything()) or merged_by = any ((select dibs.my_scope_users())::bigint[]));

alter table dibs.notices enable row level security;
create policy visible on dibs.notices for select using (
    (select dibs.sees_everything()) or user_id = (select dibs.my_id()));

alter table dibs.daily_claims enable row level security;
create policy visible on dibs.daily_claims for select using (
    (select dibs.sees_everything()) or user_id = any ((select dibs.my_scope_users())::bigint[]));

-- Contact columns: not readable from the tables by client roles other than admins.
revoke select on dibs.leads, dibs.customers, dibs.contacts from dibs_rep, dibs_manager, dibs_viewer;
do $$
declare
    t text;
    cols text;
begin
    foreach t in array array['leads', 'customers', 'contacts'] loop
        select string_agg(quote_ident(attname), ', ' order by attnum) into cols
        from pg_attribute
        where attrelid = ('dibs.' || t)::regclass and attnum > 0 and not attisdropped
          and attname not in ('phone', 'phone_e164', 'email');
        execute format('grant select (%s) on dibs.%I to dibs_rep, dibs_manager, dibs_viewer', cols, t);
    end loop;
end
$$;

-- The contact details, masked per row. These views run with their owner's rights (that is
-- what lets them read the columns), so each applies the row visibility itself.
do $$
begin
    execute format($v$
        create view dibs.lead_contacts with (security_barrier) as
        select l.id, l.contact_name, l.contact_title,
               case when dibs.contacts_unmasked(l.owner_id) or not p.mask_contacts then l.phone
                    else dibs.mask_phone(l.phone) end as phone,
               case when dibs.contacts_unmasked(l.owner_id) or not p.mask_contacts then l.email
                    else dibs.mask_email(l.email) end as email,
               dibs.contacts_unmasked(l.owner_id) or not p.mask_contacts as unmasked
        from dibs.leads l join dibs.pools p on p.id = l.pool_id
        where %s $v$, dibs.visibility_predicate('lead', 'l'));
    execute format($v$
        create view dibs.customer_contacts with (security_barrier) as
        select c.id,
               case when dibs.contacts_unmasked(c.owner_id) then c.phone else dibs.mask_phone(c.phone) end as phone,
               case when dibs.contacts_unmasked(c.owner_id) then c.email else dibs.mask_email(c.email) end as email,
               dibs.contacts_unmasked(c.owner_id) as unmasked
        from dibs.customers c
        where %s $v$, dibs.visibility_predicate('customer', 'c'));
    execute format($v$
        create view dibs.contact_details with (security_barrier) as
        select k.id, k.customer_id, k.name, k.title, k.department, k.reports_to, k.is_key_person,
               k.last_touched_by, k.last_touched_at,
               case when dibs.contacts_unmasked(c.owner_id) then k.phone else dibs.mask_phone(k.phone) end as phone,
               case when dibs.contacts_unmasked(c.owner_id) then k.email else dibs.mask_email(k.email) end as email,
               dibs.contacts_unmasked(c.owner_id) as unmasked
        from dibs.contacts k join dibs.customers c on c.id = k.customer_id
        where %s $v$, dibs.visibility_predicate('customer', 'c'));
end
$$;

grant select on dibs.lead_contacts, dibs.customer_contacts, dibs.contact_details
to dibs_rep, dibs_manager, dibs_viewer, dibs_admin;

-- The duplicate check tells a rep that a record exists, its name, owner, team and status —
-- never its phone or e-mail: a stored phone or domain is returned only when it equals what
-- the caller typed (all the scoring needs).
alter function dibs.dedup_candidates(text, text, text, text, text, integer)
    rename to dedup_candidates_unrestricted;
revoke all on function dibs.dedup_candidates_unrestricted(text, text, text, text, text, integer)
    from dibs_rep, dibs_manager, dibs_admin, dibs_viewer;
create function dibs.dedup_candidates(p_name text, p_uscc text default null, p_phone text default null,
                                      p_email text default null, p_against text default 'customer',
                                      p_limit integer default 50)
returns table (entity text, id bigint, name text, name_core text, uscc text, uscc_valid boolean,
               phone_e164 text, email_domain text, parent_id bigint, owner_id bigint, owner_name text,
               team_name text, status text, via text)
language sql stable security definer set search_path = dibs, pg_temp as $$
    select c.entity, c.id, c.name, c.name_core, c.uscc, c.uscc_valid,
           case when c.phone_e164 = dibs.phone_e164(p_phone) then c.phone_e164 end,
           case when c.email_domain = dibs.company_domain(p_email) then c.email_domain end,
           c.parent_id, c.owner_id, c.owner_name, c.team_name, c.status, c.via
    from dibs.dedup_candidates_unrestricted(p_name, p_uscc, p_phone, p_email, p_against, p_limit) c
$$;

-- Security audit: user administration and refused attempts at it. Refusals are recorded
-- with the attempted action only, never with what the caller was not allowed to see.
create table dibs.audit_log (
    id        bigint generated always as identity primary key,
    at        timestamptz not null default clock_timestamp(),
    login     name not null default session_user,
    actor_id  bigint,
    action    text not null,
    target    text,
    outcome   text not null check (outcome in ('ok', 'refused')),
    reason    text not null default 'ok',
    detail    jsonb
);
create index on dibs.audit_log (at);
alter table dibs.audit_log enable row level security;
create policy visible on dibs.audit_log for select using (
    (select dibs.my_role()) = 'admin' or actor_id = (select dibs.my_id()));

create type dibs.admin_result as (ok boolean, reason text, user_id bigint, detail jsonb);

create function dibs.audit(p_action text, p_target text, p_ok boolean, p_reason text, p_detail jsonb default null)
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

create function dibs.valid_login(p text) returns boolean language sql immutable as $$
    select p ~ '^[a-z_][a-z0-9_]{0,62}$' and p not like 'pg\_%'
       and p not in ('dibs_rep', 'dibs_manager', 'dibs_admin', 'dibs_viewer', 'public')
$$;

-- A new person: their PostgreSQL login (password given as a SCRAM verifier computed by the
-- client, so the password itself never reaches the server; null for peer/certificate
-- authentication) and their dibs user, together. Admins only.
create function dibs.user_add(p_login text, p_name text, p_role text, p_team bigint,
                              p_password_verifier text default null, p_email text default null)
returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_id bigint;
begin
    if dibs.my_role() <> 'admin' then
        return dibs.audit('user_add', null, false, 'not_permitted');
    end if;
    if p_login is null or not dibs.valid_login(p_login) or p_name is null
       or length(trim(p_name)) not between 1 and 100 or p_role is null
       or p_role not in ('rep', 'manager', 'admin', 'viewer') or length(p_email) > 200
       or (p_password_verifier is not null and p_password_verifier !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$')
       or (p_team is not null and not exists (select 1 from dibs.teams where id = p_team)) then
        return dibs.audit('user_add', p_login, false, 'invalid_argument');
    end if;
    if exists (select 1 from pg_roles where rolname = p_login) or exists (select 1 from dibs.users where login_role = p_login) then
        return dibs.audit('user_add', p_login, false, 'already_exists');
    end if;
    if p_password_verifier is null then
        execute format('create role %I login in role %I', p_login, 'dibs_' || p_role);
    else
        execute format('create role %I login password %L in role %I', p_login, p_password_verifier, 'dibs_' || p_role);
    end if;
    insert into dibs.users (login_role, display_name, email, role, team_id)
    values (p_login, trim(p_name), p_email, p_role::dibs.user_role, p_team)
    returning id into v_id;
    return dibs.audit('user_add', v_id::text, true, 'ok',
                      jsonb_build_object('login', p_login, 'role', p_role, 'team', p_team));
end
$$;

create function dibs.user_set_role(p_user bigint, p_role text) returns dibs.admin_result
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    u dibs.users;
begin
    if dibs.my_role() <> 'admin' then
        return dibs.audit('user_set_role', null, false, 'not_permitted');
    end if;
    select * into u from dibs.users where id = p_user;
    if not found or p_role is null or p_role not in ('rep', 'manager', 'admin', 'viewer') then
        return dibs.audit('user_set_role', p_user::text, false, 'invalid_argument');
    end if;
    execute format('revoke %I from %I', 'dibs_' || u.role::text, u.login_role);
    execute format('grant %I to %I', 'dibs_' || p_role, u.login_role);
    update dibs.users set role = p_role::dibs.user_role where id = p_user;
    return dibs.audit('user_set_role', p_user::text, true, 'ok',
                      jsonb_build_object('from', u.role, 'to', p_role));
end
$$;

create function dibs.user_set_team(p_user bigint, p_team bigint) returns dibs.admin_result
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
create function dibs.user_set_limit(p_user bigint, p_pool bigint, p_limit integer) returns dibs.admin_result
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
create function dibs.user_holdings(p_user bigint)
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
create function dibs.user_disable(p_user bigint) returns dibs.admin_result
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
    if not found or not u.active or u.login_role = session_user then
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

-- Duplicate rules change through a checked function too (admins), recorded in the audit.
revoke insert, update, delete on dibs.dedup_rules from dibs_admin;
create function dibs.set_dedup_rule(p_rule bigint, p_enabled boolean, p_threshold numeric,
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
create function dibs.my_figures(out display_name text, out team text, out customers bigint,
                                out pool_leads bigint, out holding bigint, out holding_limit bigint)
language sql stable parallel safe security definer set search_path = dibs, pg_temp as $$
    with me as (
        select u.id, u.display_name, coalesce(t.name, '-') as team
        from dibs.users u left join dibs.teams t on t.id = u.team_id
        where u.login_role = session_user and u.active
    )
    select me.display_name, me.team,
           (select count(*) from dibs.customers c where c.owner_id = me.id and c.status = 'active'),
           (select count(*) from dibs.leads l join dibs.pool_members m on m.pool_id = l.pool_id
             where m.user_id = me.id and l.owner_id is null and l.status = 'new'),
           (select count(*) from dibs.leads l where l.owner_id = me.id and l.status in ('new', 'working')),
           (select coalesce(sum(coalesce(m.holding_limit, p.holding_limit)), 0)::bigint
              from dibs.pool_members m join dibs.pools p on p.id = m.pool_id
             where m.user_id = me.id and p.kind = 'lead')
    from me
$$;

-- The schema's owner administers from the start (creating the first admin): a superuser
-- is a member of every role anyway; a CREATEROLE owner is made one here.
do $$
begin
    if not pg_has_role(current_user, 'dibs_admin', 'member') then
        execute format('grant dibs_admin to %I', current_user);
    end if;
end
$$;

-- Default privileges deny: nothing created later in the schema is readable or callable
-- by clients until a migration grants it.
alter default privileges in schema dibs revoke all on tables from public;
alter default privileges in schema dibs revoke all on functions from public;

select dibs.lock_down_functions();
grant execute on function
    dibs.my_scope(), dibs.my_id(), dibs.my_role(), dibs.sees_everything(), dibs.my_team_scope(), dibs.my_scope_users(),
    dibs.my_unmasked_users(), dibs.my_pools(), dibs.contacts_unmasked(bigint),
    dibs.mask_phone(text), dibs.mask_email(text), dibs.my_figures()
to dibs_viewer, dibs_rep, dibs_manager, dibs_admin;
-- Administration functions are callable by every person so that an attempt by someone not
-- allowed is refused *and recorded* (a missing privilege would fail without a trace).
grant execute on function
    dibs.dedup_candidates(text, text, text, text, text, integer),
    dibs.user_set_limit(bigint, bigint, integer),
    dibs.user_add(text, text, text, bigint, text, text), dibs.user_set_role(bigint, text),
    dibs.user_set_team(bigint, bigint), dibs.user_disable(bigint), dibs.user_holdings(bigint),
    dibs.set_dedup_rule(bigint, boolean, numeric, numeric, text)
to dibs_rep, dibs_manager, dibs_admin;
grant select on dibs.settings, dibs.audit_log, dibs.user_scopes to dibs_viewer, dibs_rep, dibs_manager, dibs_admin;
