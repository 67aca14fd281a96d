-- dibs schema v1: the whole domain (docs/ARCHITECTURE.md), with the structural rules as constraints.
-- Ownership *changes* go through functions added by later migrations; the columns they
-- need (owner, owned_since, last follow-up, lock, protection, version) are here now.

create schema if not exists dibs;

create extension if not exists pg_trgm with schema dibs;

-- Group roles. Login roles (one per person) are members of exactly one of them.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'dibs_viewer') then
        create role dibs_viewer nologin;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'dibs_rep') then
        create role dibs_rep nologin;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'dibs_manager') then
        create role dibs_manager nologin;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'dibs_admin') then
        create role dibs_admin nologin;
    end if;
end
$$;

-- GB 32100-2015 check: 18 characters over 0-9A-HJ-NP-RTUW-Y, weights 3^(i-1) mod 31.
-- A code that fails is a typo: it is stored for the user to fix but never used as a key.
create function dibs.uscc_is_valid(code text) returns boolean
language plpgsql immutable strict parallel safe as $$
declare
    alphabet constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
    weights constant int[] := array[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28];
    total int := 0;
    pos int;
begin
    if code !~ '^[0-9A-HJ-NP-RTUW-Y]{18}$' then
        return false;
    end if;
    for i in 1..17 loop
        pos := strpos(alphabet, substr(code, i, 1)) - 1;
        total := total + pos * weights[i];
    end loop;
    return substr(alphabet, ((31 - total % 31) % 31) + 1, 1) = substr(code, 18, 1);
end
$$;

create table dibs.teams (
    id          bigint generated always as identity primary key,
    name        text not null unique check (length(name) between 1 and 100),
    region      text not null,
    parent_id   bigint references dibs.teams (id),
    created_at  timestamptz not null default now(),
    check (parent_id is distinct from id)
);

create type dibs.user_role as enum ('rep', 'manager', 'admin', 'viewer');

create table dibs.users (
    id             bigint generated always as identity primary key,
    login_role     name not null unique,           -- the PostgreSQL login of this person
    display_name   text not null check (length(display_name) between 1 and 100),
    email          text,
    role           dibs.user_role not null default 'rep',
    team_id        bigint references dibs.teams (id),
    active         boolean not null default true,
    created_at     timestamptz not null default now()
);

create type dibs.pool_kind as enum ('lead', 'customer');

create table dibs.pools (
    id                       bigint generated always as identity primary key,
    name                     text not null unique check (length(name) between 1 and 100),
    kind                     dibs.pool_kind not null default 'lead',
    industry                 text,
    region                   text,
    product_line             text,
    holding_limit            integer not null default 50 check (holding_limit >= 0),
    daily_claim_cap          integer not null default 20 check (daily_claim_cap >= 0),
    cooldown                 interval not null default '7 days' check (cooldown >= '0'),
    recycle_after_idle       interval check (recycle_after_idle > '0'),        -- no follow-up for this long
    recycle_after_unconverted interval check (recycle_after_unconverted > '0'), -- held this long without conversion
    remind_before            interval not null default '1 day' check (remind_before >= '0'),
    registration_period      interval not null default '30 days' check (registration_period > '0'),
    registration_max         interval not null default '90 days',
    mask_contacts            boolean not null default true,
    assign_strategy          text not null default 'round_robin'
                             check (assign_strategy in ('round_robin', 'least_loaded', 'weighted', 'manual')),
    created_at               timestamptz not null default now(),
    check (registration_max >= registration_period)
);

create table dibs.pool_members (
    pool_id        bigint not null references dibs.pools (id) on delete cascade,
    user_id        bigint not null references dibs.users (id),
    holding_limit  integer check (holding_limit >= 0),  -- per-rep override of the pool's limit
    weight         integer not null default 1 check (weight > 0),
    joined_at      timestamptz not null default now(),
    primary key (pool_id, user_id)
);

create index on dibs.pool_members (user_id);

create type dibs.record_status as enum ('active', 'merged', 'archived');

create table dibs.customers (
    id               bigint generated always as identity primary key,
    name             text not null check (length(name) between 1 and 200),
    name_basic       text not null default '',   -- NFKC, half width, simplified, lower case, no punctuation
    name_core        text not null default '',   -- also without regions and legal forms
    uscc             text check (length(uscc) <= 18),
    uscc_valid       boolean generated always as (coalesce(dibs.uscc_is_valid(uscc), false)) stored,
    phone            text check (length(phone) <= 40),
    phone_e164       text check (phone_e164 ~ '^\+[0-9]{6,15}$'),
    email            text check (length(email) <= 200),
    email_domain     text check (length(email_domain) <= 200),
    website          text,
    address          text,
    region           text,
    industry         text,
    source           text,
    parent_id        bigint references dibs.customers (id),
    pool_id          bigint references dibs.pools (id),
    owner_id         bigint references dibs.users (id),
    team_id          bigint references dibs.teams (id),
    owned_since      timestamptz,
    last_followup_at timestamptz,
    locked           boolean not null default false,
    locked_by        bigint references dibs.users (id),
    protected_until  timestamptz,
    status           dibs.record_status not null default 'active',
    merged_into      bigint references dibs.customers (id),
    version          integer not null default 1,
    created_by       bigint references dibs.users (id),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    check (parent_id is distinct from id),
    check ((owner_id is null) = (owned_since is null)),
    check ((status = 'merged') = (merged_into is not null)),
    check (not locked or locked_by is not null)
);

-- I3: no two live customers share a valid unified social credit code.
create unique index customers_uscc_live_key on dibs.customers (uscc) where uscc_valid and status = 'active';

create index on dibs.customers (parent_id);

create index on dibs.customers (owner_id) where owner_id is not null;

create index on dibs.customers (pool_id);

create index on dibs.customers (phone_e164) where phone_e164 is not null;

create index on dibs.customers (email_domain) where email_domain is not null;

create type dibs.lead_status as enum ('new', 'working', 'converted', 'disqualified');

create table dibs.leads (
    id                bigint generated always as identity primary key,
    pool_id           bigint not null references dibs.pools (id),
    company_name      text not null check (length(company_name) between 1 and 200),
    name_basic        text not null default '',
    name_core         text not null default '',
    contact_name      text check (length(contact_name) <= 100),
    contact_title     text check (length(contact_title) <= 100),
    phone             text check (length(phone) <= 40),
    phone_e164        text check (phone_e164 ~ '^\+[0-9]{6,15}$'),
    email             text check (length(email) <= 200),
    email_domain      text check (length(email_domain) <= 200),
    uscc              text check (length(uscc) <= 18),
    uscc_valid        boolean generated always as (coalesce(dibs.uscc_is_valid(uscc), false)) stored,
    region            text,
    industry          text,
    product_line      text,
    source            text,
    channel           text,
    status            dibs.lead_status not null default 'new',
    owner_id          bigint references dibs.users (id),
    owned_since       timestamptz,
    last_followup_at  timestamptz,
    locked            boolean not null default false,
    customer_id       bigint references dibs.customers (id),  -- set on conversion
    converted_at      timestamptz,
    version           integer not null default 1,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    check ((owner_id is null) = (owned_since is null)),
    check ((status = 'converted') = (customer_id is not null and converted_at is not null))
);

create index on dibs.leads (pool_id, id) where owner_id is null;

create index on dibs.leads (phone_e164) where phone_e164 is not null;

create table dibs.contacts (
    id               bigint generated always as identity primary key,
    customer_id      bigint not null references dibs.customers (id),
    name             text not null check (length(name) between 1 and 100),
    title            text,
    department       text,
    phone            text check (length(phone) <= 40),
    email            text check (length(email) <= 200),
    reports_to       bigint references dibs.contacts (id),
    is_key_person    boolean not null default false,
    last_touched_by  bigint references dibs.users (id),
    last_touched_at  timestamptz,
    created_at       timestamptz not null default now(),
    check (reports_to is distinct from id)
);

create index on dibs.contacts (customer_id);

create index on dibs.contacts (reports_to);

create table dibs.opportunity_stages (
    id           smallint primary key,
    code         text not null unique,
    name_en      text not null,
    name_zh      text not null,
    position     smallint not null unique,
    probability  smallint not null check (probability between 0 and 100),
    is_closed    boolean not null default false,
    is_won       boolean not null default false,
    check (not is_won or is_closed)
);

insert into dibs.opportunity_stages (id, code, name_en, name_zh, position, probability, is_closed, is_won) values
    (1, 'qualify',     'Qualify',     '初步接洽', 1, 10, false, false),
    (2, 'needs',       'Needs',       '需求确认', 2, 25, false, false),
    (3, 'proposal',    'Proposal',    '方案报价', 3, 50, false, false),
    (4, 'negotiation', 'Negotiation', '商务谈判', 4, 75, false, false),
    (5, 'won',         'Won',         '赢单',     5, 100, true, true),
    (6, 'lost',        'Lost',        '输单',     6, 0, true, false);

create table dibs.opportunities (
    id                bigint generated always as identity primary key,
    customer_id       bigint not null references dibs.customers (id),
    name              text not null check (length(name) between 1 and 200),
    amount            numeric(14, 2) not null default 0 check (amount >= 0),
    currency          char(3) not null default 'CNY',
    stage_id          smallint not null references dibs.opportunity_stages (id),
    owner_id          bigint references dibs.users (id),
    team_id           bigint references dibs.teams (id),
    product_line      text,
    expected_close    date,
    lost_reason       text,
    last_activity_at  timestamptz not null default now(),
    version           integer not null default 1,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);

create index on dibs.opportunities (customer_id);

create index on dibs.opportunities (stage_id, owner_id);

create type dibs.followup_kind as enum ('call', 'visit', 'message', 'email', 'meeting', 'note');

create table dibs.followups (
    id           bigint generated always as identity primary key,
    lead_id      bigint references dibs.leads (id),
    customer_id  bigint references dibs.customers (id),
    contact_id   bigint references dibs.contacts (id),
    user_id      bigint not null references dibs.users (id),
    kind         dibs.followup_kind not null,
    note         text check (length(note) <= 4000),
    happened_at  timestamptz not null default now(),
    created_at   timestamptz not null default now(),
    check (num_nonnulls(lead_id, customer_id) = 1)
);

create index on dibs.followups (lead_id, happened_at desc) where lead_id is not null;

create index on dibs.followups (customer_id, happened_at desc) where customer_id is not null;

create type dibs.registration_status as enum ('active', 'expired', 'cancelled', 'converted');

-- 报备: a rep or a channel partner claims a prospect for a protection period.
create table dibs.registrations (
    id              bigint generated always as identity primary key,
    customer_id     bigint not null references dibs.customers (id),
    registered_by   bigint not null references dibs.users (id),
    partner_name    text check (length(partner_name) <= 200),   -- set when a channel partner registers
    status          dibs.registration_status not null default 'active',
    starts_at       timestamptz not null default now(),
    expires_at      timestamptz not null,
    max_until       timestamptz not null,     -- extensions on activity never pass this
    note            text,
    created_at      timestamptz not null default now(),
    check (expires_at > starts_at and max_until >= expires_at)
);

-- One live registration per customer: a second registrant is told who holds it.
create unique index registrations_one_active on dibs.registrations (customer_id) where status = 'active';

create type dibs.entity_kind as enum ('lead', 'customer');

create type dibs.dedup_match as enum ('uscc', 'name_fuzzy', 'phone', 'email_domain');

create type dibs.dedup_action as enum ('block', 'warn');

create table dibs.dedup_rules (
    id          bigint generated always as identity primary key,
    name        text not null unique,
    entity      dibs.entity_kind not null,    -- what is being created
    against     dibs.entity_kind not null,    -- what it is compared with
    match_kind  dibs.dedup_match not null,
    threshold   real not null default 1.0 check (threshold > 0 and threshold <= 1),
    weight      real not null default 1.0 check (weight >= 0),
    action      dibs.dedup_action not null,
    enabled     boolean not null default true,
    position    integer not null default 0,
    created_at  timestamptz not null default now()
);

insert into dibs.dedup_rules (name, entity, against, match_kind, threshold, weight, action, position) values
    ('customer: same credit code',   'customer', 'customer', 'uscc',         1.0,  1.0,  'block', 10),
    ('customer: similar name',       'customer', 'customer', 'name_fuzzy',   0.88, 1.0,  'warn',  20),
    ('customer: same phone',         'customer', 'customer', 'phone',        1.0,  0.35, 'warn',  30),
    ('customer: same e-mail domain', 'customer', 'customer', 'email_domain', 1.0,  0.4,  'warn',  40),
    ('lead: existing customer code', 'lead',     'customer', 'uscc',         1.0,  1.0,  'warn',  50),
    ('lead: similar customer name',  'lead',     'customer', 'name_fuzzy',   0.88, 1.0,  'warn',  60),
    ('lead: similar open lead',      'lead',     'lead',     'name_fuzzy',   0.92, 1.0,  'warn',  70);

create type dibs.ownership_action as enum (
    'claim', 'release', 'assign', 'transfer', 'recycle', 'auto_assign', 'merge', 'convert',
    'register', 'extend', 'expire', 'lock', 'unlock', 'followup', 'create');

create type dibs.ownership_outcome as enum ('ok', 'refused');

-- Every change of ownership and every refused attempt: the collision statistics.
create table dibs.ownership_log (
    id          bigint generated always as identity primary key,
    at          timestamptz not null default clock_timestamp(),
    entity      dibs.entity_kind not null,
    entity_id   bigint not null,
    action      dibs.ownership_action not null,
    outcome     dibs.ownership_outcome not null,
    reason      text not null default 'ok',
    -- No foreign keys: an append-only audit trail written at claim rates; users are disabled,
    -- never deleted, so the ids stay meaningful, and four RI checks per row would cost more
    -- than the rest of the insert.
    actor_id    bigint,      -- null: the worker
    from_owner  bigint,
    to_owner    bigint,
    pool_id     bigint,
    detail      jsonb
);

create index on dibs.ownership_log (entity, entity_id, at desc);

create index on dibs.ownership_log (actor_id, at desc);
