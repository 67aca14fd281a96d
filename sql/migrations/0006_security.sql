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
