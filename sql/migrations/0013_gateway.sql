-- The gateway login (issue 17, the 9 a.m. 抢单 burst): one shared login that a transaction-mode
-- PgBouncer pools once, carrying many reps. PgBouncer keeps one pool per login, so when every
-- rep connects as themself a burst of 1,000 reps needs ~1,000 server backends; through one
-- shared login it reuses the pooler's few warm ones.
--
-- Identity then travels per transaction, not per connection: a rep signs in on their own login
-- (dibs.issue_ticket(), sql/code/62_gateway.sql) and receives a random ticket; each transaction
-- on the gateway sets it (`set_config('dibs.ticket', $1, true)`, a bind parameter, so it never
-- shows in pg_stat_activity), and dibs.caller_login() (sql/code/20_security_predicates.sql)
-- answers the ticket's login wherever the code used to ask session_user. Only the ticket's
-- digest is stored; nobody but the schema's owner can read this table.

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'dibs_gateway') then
        create role dibs_gateway nologin;
    end if;
end
$$;
-- A gateway login has a rep's privileges and nothing more; only reps may ride it (managers,
-- admins and partners use their own logins, whose grants differ).
grant dibs_rep to dibs_gateway;

create table dibs.tickets (
    digest     bytea primary key,
    login      name not null,
    issued_at  timestamptz not null default now(),
    expires_at timestamptz not null
);
create index tickets_login on dibs.tickets (login);

-- Who did it, in the logs, is the person, not the shared login.
alter table dibs.ownership_log alter column login set default dibs.caller_login();
alter table dibs.dedup_decisions alter column login set default dibs.caller_login();
alter table dibs.customer_merges alter column login set default dibs.caller_login();
alter table dibs.audit_log alter column login set default dibs.caller_login();

-- The policies that named session_user, again with the caller (migrations 6 and 11).
drop policy visible on dibs.leads;
drop policy visible on dibs.customers;
do $$
begin
    execute format('create policy visible on dibs.leads for select using %s',
                   dibs.visibility_predicate('lead', 'leads'));
    execute format('create policy visible on dibs.customers for select using %s',
                   dibs.visibility_predicate('customer', 'customers'));
end
$$;

drop policy partners_only_theirs on dibs.customers;
drop policy partners_only_theirs on dibs.leads;
create policy partners_only_theirs on dibs.customers as restrictive for select using (
    coalesce((select s.role from dibs.user_scopes s where s.login = (select dibs.caller_login())), '') <> 'partner'
    or owner_id = any ((select s.users from dibs.user_scopes s where s.login = (select dibs.caller_login()))::bigint[]));
create policy partners_only_theirs on dibs.leads as restrictive for select using (
    coalesce((select s.role from dibs.user_scopes s where s.login = (select dibs.caller_login())), '') <> 'partner');

drop policy visible on dibs.user_scopes;
create policy visible on dibs.user_scopes for select using (
    login = (select dibs.caller_login()) or (select dibs.my_role()) is distinct from 'partner');
