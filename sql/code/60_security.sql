-- requires: 0006
-- Scopes: what each person may see, computed once per person and kept current by triggers,
-- and the masking views of contact details.

create or replace function dibs.compute_scope(p_login name) returns dibs.scope
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
    -- A partner's person: the people of the same partner, no team, no pool.
    if s.role = 'partner' then
        select coalesce(array_agg(id), '{}') into s.users
        from dibs.users where partner_id = (select partner_id from dibs.users where id = s.user_id);
        s.teams := '{}';
    end if;
    s.unmasked := case when s.role = 'manager' then s.users
                       when s.user_id is not null then array[s.user_id]
                       else '{}' end;
    select coalesce(array_agg(pool_id), '{}') into s.pools from dibs.pool_members where user_id = s.user_id;
    return s;
end
$$;

create or replace function dibs.rebuild_scopes() returns void
language sql security definer set search_path = dibs, pg_temp as $$
    delete from dibs.user_scopes;
    insert into dibs.user_scopes (login, user_id, role, everything, teams, users, unmasked, pools)
    select u.login_role, (s).user_id, (s).role, (s).everything, (s).teams, (s).users, (s).unmasked, (s).pools
    from (select u.login_role, dibs.compute_scope(u.login_role) as s from dibs.users u where u.active) u;
$$;

create or replace function dibs.refresh_scopes() returns trigger
language plpgsql security definer set search_path = dibs, pg_temp as $$
begin
    perform dibs.rebuild_scopes();
    return null;
end
$$;

drop trigger if exists users_refresh_scopes on dibs.users;
create trigger users_refresh_scopes after insert or update or delete or truncate on dibs.users
    for each statement execute function dibs.refresh_scopes();

drop trigger if exists teams_refresh_scopes on dibs.teams;
create trigger teams_refresh_scopes after insert or update or delete or truncate on dibs.teams
    for each statement execute function dibs.refresh_scopes();

drop trigger if exists pool_members_refresh_scopes on dibs.pool_members;
create trigger pool_members_refresh_scopes after insert or update or delete or truncate on dibs.pool_members
    for each statement execute function dibs.refresh_scopes();

drop trigger if exists settings_refresh_scopes on dibs.settings;
create trigger settings_refresh_scopes after insert or update or delete or truncate on dibs.settings
    for each statement execute function dibs.refresh_scopes();

create or replace function dibs.my_scope() returns dibs.scope
language plpgsql stable parallel safe security definer set search_path = dibs, pg_temp as $$
declare
    s dibs.scope;
begin
    select user_id, role, everything, teams, users, unmasked, pools into s
    from dibs.user_scopes where login = dibs.caller_login();
    if not found then
        -- A login without a dibs user (an on-call admin account, a dashboard viewer).
        s := dibs.compute_scope(dibs.caller_login());
    end if;
    return s;
end
$$;

-- Scopes are a cache of what they are computed from: rebuilt whenever this code changes.
select dibs.rebuild_scopes();

-- The contact details, masked per row. These views run with their owner's rights (that is
-- what lets them read the columns), so each applies the row visibility itself.
do $$
begin
    execute format($v$
        create or replace view dibs.lead_contacts with (security_barrier) as
        select l.id, l.contact_name, l.contact_title,
               case when dibs.contacts_unmasked(l.owner_id) or not p.mask_contacts then l.phone
                    else dibs.mask_phone(l.phone) end as phone,
               case when dibs.contacts_unmasked(l.owner_id) or not p.mask_contacts then l.email
                    else dibs.mask_email(l.email) end as email,
               dibs.contacts_unmasked(l.owner_id) or not p.mask_contacts as unmasked
        from dibs.leads l join dibs.pools p on p.id = l.pool_id
        where %s $v$, dibs.visibility_predicate('lead', 'l'));
    execute format($v$
        create or replace view dibs.customer_contacts with (security_barrier) as
        select c.id,
               case when dibs.contacts_unmasked(c.owner_id) then c.phone else dibs.mask_phone(c.phone) end as phone,
               case when dibs.contacts_unmasked(c.owner_id) then c.email else dibs.mask_email(c.email) end as email,
               dibs.contacts_unmasked(c.owner_id) as unmasked
        from dibs.customers c
        where %s $v$, dibs.visibility_predicate('customer', 'c'));
    execute format($v$
        create or replace view dibs.contact_details with (security_barrier) as
        select k.id, k.customer_id, k.name, k.title, k.department, k.reports_to, k.is_key_person,
               k.last_touched_by, k.last_touched_at,
               case when dibs.contacts_unmasked(c.owner_id) then k.phone else dibs.mask_phone(k.phone) end as phone,
               case when dibs.contacts_unmasked(c.owner_id) then k.email else dibs.mask_email(k.email) end as email,
               dibs.contacts_unmasked(c.owner_id) as unmasked
        from dibs.contacts k join dibs.customers c on c.id = k.customer_id
        where %s $v$, dibs.visibility_predicate('customer', 'c'));
end
$$;
