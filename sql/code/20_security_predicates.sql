-- requires: 0001
-- Who the caller is and what they may see: the accessors the row-level security policies call
-- (once per statement, inside scalar sub-selects) and the masking helpers. They need nothing
-- but the base tables, so they are applied before the policies that use them (migration 6);
-- their scope comes from dibs.my_scope() (sql/code/60_security.sql).

create or replace function dibs.my_id() returns bigint
language sql stable parallel safe security definer set search_path = dibs, pg_temp as $$
    select id from dibs.users where login_role = session_user and active
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

-- The caller's partner (channel partners, migration 11), for the policies that show a
-- partner's people their partner's rows; null for everyone else.
create or replace function dibs.my_partner() returns bigint
language sql stable parallel safe security definer set search_path = dibs, pg_temp as $$
    select partner_id from dibs.users where login_role = session_user and active
$$;
