-- requires: 0001
-- Who the caller is and what they may see: the accessors the row-level security policies call
-- (once per statement, inside scalar sub-selects) and the masking helpers. They need nothing
-- but the base tables, so they are applied before the policies that use them (migration 6);
-- their scope comes from dibs.my_scope() (sql/code/60_security.sql).

-- The person calling: session_user, or — on a gateway login (migration 13), which carries many
-- reps through one PgBouncer pool — the rep whose ticket this transaction set. Every rule
-- that asks who is calling asks this, never session_user (nor current_user, which inside
-- SECURITY DEFINER code is the owner). A gateway transaction without a ticket is the gateway
-- login itself: no dibs user, so it may do and see nothing. A ticket is honoured only while
-- it is unexpired and its login is an active rep, so deactivating someone stops their
-- tickets at once.
create or replace function dibs.caller_login() returns name
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
declare
    v_ticket constant text := current_setting('dibs.ticket', true);
    v_login name;
begin
    if v_ticket is null or v_ticket = '' then
        return session_user;
    end if;
    if not pg_has_role(session_user, 'dibs_gateway', 'member') then
        raise exception 'a dibs ticket is only taken on the gateway login'
            using errcode = '28000';
    end if;
    select t.login into v_login
    from dibs.tickets t join dibs.users u on u.login_role = t.login
    where t.digest = sha256(convert_to(v_ticket, 'UTF8')) and t.expires_at > now()
      and u.active and u.role = 'rep';
    if v_login is null then
        raise exception 'dibs ticket expired or revoked'
            using errcode = '28000', hint = 'sign in again on your own login (dibs.issue_ticket())';
    end if;
    return v_login;
end
$$;

create or replace function dibs.my_id() returns bigint
language sql stable parallel safe security definer set search_path = dibs, pg_temp as $$
    select id from dibs.users where login_role = dibs.caller_login() and active
$$;

create or replace function dibs.my_role() returns text
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
begin
    return (dibs.my_scope()).role;
end
$$;

create or replace function dibs.sees_everything() returns boolean
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
begin
    return (dibs.my_scope()).everything;
end
$$;

create or replace function dibs.my_team_scope() returns bigint[]
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
begin
    return (dibs.my_scope()).teams;
end
$$;

create or replace function dibs.my_scope_users() returns bigint[]
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
begin
    return (dibs.my_scope()).users;
end
$$;

create or replace function dibs.my_unmasked_users() returns bigint[]
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
begin
    return (dibs.my_scope()).unmasked;
end
$$;

create or replace function dibs.my_pools() returns bigint[]
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
begin
    return (dibs.my_scope()).pools;
end
$$;

create or replace function dibs.contacts_unmasked(p_owner bigint) returns boolean
language sql stable parallel safe as $$
    select coalesce((select dibs.my_role()) = 'admin' or p_owner = any ((select dibs.my_unmasked_users())::bigint[]),
                    false)
$$;

-- 13812345678 → 138****5678; short numbers keep only their last two digits.
create or replace function dibs.mask_phone(p text) returns text
language sql immutable parallel safe as $$
    select case
        when p is null then null
        when length(d) >= 7 then left(d, 3) || '****' || right(d, 4)
        else '****' || right(d, 2)
    end
    from (select regexp_replace(p, '\D', '', 'g') as d) digits
$$;

-- wang@example.com → w***@example.com
create or replace function dibs.mask_email(p text) returns text
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
create or replace function dibs.visibility_predicate(p_kind text, p_alias text) returns text
language sql immutable as $$
    select format(case p_kind
        when 'lead' then
            '(coalesce((select s.everything from dibs.user_scopes s where s.login = (select dibs.caller_login())),'
            '          (select dibs.sees_everything()))'
            ' or %1$s.owner_id = any ((select s.users from dibs.user_scopes s where s.login = (select dibs.caller_login()))::bigint[])'
            ' or (%1$s.owner_id is null'
            '     and %1$s.pool_id = any ((select s.pools from dibs.user_scopes s where s.login = (select dibs.caller_login()))::bigint[])))'
        when 'customer' then
            '(coalesce((select s.everything from dibs.user_scopes s where s.login = (select dibs.caller_login())),'
            '          (select dibs.sees_everything()))'
            ' or %1$s.owner_id = any ((select s.users from dibs.user_scopes s where s.login = (select dibs.caller_login()))::bigint[])'
            ' or %1$s.team_id = any ((select s.teams from dibs.user_scopes s where s.login = (select dibs.caller_login()))::bigint[])'
            ' or (%1$s.owner_id is null and %1$s.status = ''active''))'
    end, p_alias)
$$;

-- The caller's partner (channel partners, migration 11), for the policies that show a
-- partner's people their partner's rows; null for everyone else.
create or replace function dibs.my_partner() returns bigint
language sql stable parallel safe security definer set search_path = dibs, pg_temp as $$
    select partner_id from dibs.users where login_role = dibs.caller_login() and active
$$;
