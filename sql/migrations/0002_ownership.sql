-- The ownership engine's tables: who owns which lead and customer, the log of every change
-- and refusal, daily claim counters, assignment rules, notices and the event cursor. The
-- functions that change ownership are in sql/code/30_ownership.sql.

-- ---------------------------------------------------------------- structure
alter table dibs.leads
    add column assign_attempted_at timestamptz,     -- the auto-assigner looked at it
    add column assign_note         text;

            -- why it stayed in the pool

alter table dibs.ownership_log
    add column xid   bigint not null default (pg_current_xact_id()::text::bigint),  -- gap-free events
    add column login name not null default session_user;

           -- who was connected
-- The log takes a row per change at claim rates: time and transaction id are BRIN (tiny,
-- nearly free to maintain on an append-only table); lookups by record and actor are btree.
create index ownership_log_at_brin on dibs.ownership_log using brin (at);

create index ownership_log_xid_brin on dibs.ownership_log using brin (xid);

create index ownership_log_cooldown on dibs.ownership_log (entity, entity_id, from_owner)
    where outcome = 'ok' and action in ('release', 'recycle');

-- Recycle candidates per pool, by idle clock and by holding time.
create index leads_recycle_idle on dibs.leads (pool_id, (coalesce(last_followup_at, owned_since)))
    where owner_id is not null and status = 'working';

create index leads_recycle_held on dibs.leads (pool_id, owned_since)
    where owner_id is not null and status = 'working';

create index leads_holdings on dibs.leads (owner_id, pool_id) where status in ('new', 'working');

create index leads_auto_assign on dibs.leads (id)
    where status = 'new' and owner_id is null and assign_attempted_at is null;

create index customers_holdings on dibs.customers (owner_id, pool_id) where status = 'active';

create index customers_recycle on dibs.customers (pool_id, (coalesce(last_followup_at, owned_since)))
    where owner_id is not null and status = 'active';

create index registrations_expiry on dibs.registrations (expires_at) where status = 'active';

-- Claims per rep, pool and day: O(1) for the daily cap (counting the log would grow all day).
create table dibs.daily_claims (
    user_id  bigint not null,   -- no foreign keys: a counter touched by every claim
    pool_id  bigint not null,
    day      date not null,
    claims   integer not null default 0,
    primary key (user_id, pool_id, day)
);

-- Auto-assignment: ordered rules per pool, first match wins. A null condition matches anything.
create table dibs.assignment_rules (
    id              bigint generated always as identity primary key,
    pool_id         bigint not null references dibs.pools (id) on delete cascade,
    position        integer not null default 0,
    name            text not null,
    regions         text[],
    industries      text[],
    product_lines   text[],
    sources         text[],
    channels        text[],
    target_team_id  bigint references dibs.teams (id),
    target_users    bigint[],
    strategy        text not null default 'round_robin'
                    check (strategy in ('round_robin', 'least_loaded', 'weighted')),
    enabled         boolean not null default true,
    created_at      timestamptz not null default now()
);

create index on dibs.assignment_rules (pool_id, position);

create table dibs.assignment_cursor (
    rule_id       bigint primary key references dibs.assignment_rules (id) on delete cascade,
    last_user_id  bigint
);

-- Reminders and other notices for a person (not ownership changes).
create table dibs.notices (
    id          bigint generated always as identity primary key,
    at          timestamptz not null default now(),
    user_id     bigint not null references dibs.users (id),
    entity      dibs.entity_kind not null,
    entity_id   bigint not null,
    kind        text not null,
    due_at      timestamptz,
    xid         bigint not null default (pg_current_xact_id()::text::bigint),
    unique (user_id, entity, entity_id, kind, due_at)
);

create index notices_xid on dibs.notices (xid, id);

-- Where event delivery has got to (one row). Only the notifier writes it.
create table dibs.event_cursor (
    singleton  boolean primary key default true check (singleton),
    last_xid   bigint not null default 0,
    last_id    bigint not null default 0,
    last_notice_xid bigint not null default 0,
    last_notice_id  bigint not null default 0
);

insert into dibs.event_cursor default values;

-- What every ownership function returns: the outcome, in data a client can put into words.
create type dibs.outcome as (
    ok               boolean,
    reason           text,          -- ok, already_owned_by, over_limit, cooldown, daily_cap, ...
    entity           dibs.entity_kind,
    entity_id        bigint,
    owner_id         bigint,        -- the owner after the call
    other_user_id    bigint,        -- the other party (the owner who won, the registrant, ...)
    other_user_name  text,
    other_since      timestamptz,   -- since when the other party holds it
    detail           jsonb
);

alter default privileges in schema dibs revoke execute on functions from public;
