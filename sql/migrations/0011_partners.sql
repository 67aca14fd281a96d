-- Channel partners (渠道报备): partner organisations, partner people (dibs users with the role
-- `partner`), registrations that name their partner, reviews of partner-vs-direct conflicts,
-- and the audit of availability checks. The rules live in sql/code/85_partners.sql; the
-- README's "Channel partners" section says what each one decides.

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'dibs_partner') then
        create role dibs_partner nologin;
    end if;
end
$$;

-- Usable from the next transaction on (the code files are applied after this migration
-- commits); nothing below compares with the new value.
alter type dibs.user_role add value if not exists 'partner';

-- A tier's terms: how long a registration protects, the most activity can extend it to, how
-- many companies a partner may hold registered at once, how many it may register a day.
create table dibs.partner_tiers (
    tier            text primary key check (tier ~ '^[a-z][a-z0-9_]{0,30}$'),
    protection      interval not null check (protection between interval '1 day' and interval '365 days'),
    max_protection  interval not null,
    capacity        integer not null check (capacity between 0 and 100000),
    daily_cap       integer not null check (daily_cap between 0 and 10000),
    check (max_protection >= protection and max_protection <= interval '730 days')
);
insert into dibs.partner_tiers (tier, protection, max_protection, capacity, daily_cap) values
    ('gold', '90 days', '180 days', 200, 20),
    ('silver', '45 days', '90 days', 80, 10),
    ('registered', '15 days', '30 days', 20, 5);

-- A partner organisation. Null terms are the tier's.
create table dibs.partners (
    id                  bigint generated always as identity primary key,
    name                text not null unique check (length(btrim(name)) between 1 and 200),
    credit_code         text check (length(credit_code) <= 18),
    tier                text not null references dibs.partner_tiers (tier),
    active              boolean not null default true,
    channel_manager_id  bigint references dibs.users (id),
    protection          interval check (protection between interval '1 day' and interval '365 days'),
    max_protection      interval check (max_protection <= interval '730 days'),
    capacity            integer check (capacity between 0 and 100000),
    daily_cap           integer check (daily_cap between 0 and 10000),
    -- Availability answers a day for the whole partner: enough to register by, too few to
    -- enumerate the customer list with.
    check_cap           integer not null default 100 check (check_cap between 0 and 100000),
    created_at          timestamptz not null default now()
);

-- A partner person belongs to exactly one partner; nobody else belongs to any.
alter table dibs.users add column partner_id bigint references dibs.partners (id);
alter table dibs.users add constraint users_partner_people
    check ((role::text = 'partner') = (partner_id is not null));
create index users_partner on dibs.users (partner_id) where partner_id is not null;

-- A registration for a partner (by one of its people, or by a channel manager on its behalf,
-- 代报备) names the partner; partner_name stays for registrations written before partners.
alter table dibs.registrations add column partner_id bigint references dibs.partners (id);
-- When a registration stopped protecting (expired, cancelled): a partner's cooldown runs from it.
alter table dibs.registrations add column ended_at timestamptz;
create index registrations_partner on dibs.registrations (partner_id, status, created_at) where partner_id is not null;

-- A partner blocked by a direct rep asks for a review: who was first decides, then recent
-- follow-ups. `rival_since`: when the direct side took the company; `requested_at`: when the
-- partner submitted. A neutral manager (or the partner's channel manager) decides.
create table dibs.partner_reviews (
    id              bigint generated always as identity primary key,
    customer_id     bigint not null references dibs.customers (id),
    company_id      bigint references dibs.companies (id),
    partner_id      bigint not null references dibs.partners (id),
    requested_by    bigint not null references dibs.users (id),
    requested_at    timestamptz not null default now(),
    rival_id        bigint not null references dibs.users (id),
    rival_since     timestamptz,
    note            text check (length(note) <= 2000),
    state           text not null default 'pending' check (state in ('pending', 'approved', 'rejected', 'withdrawn')),
    reviewer_id     bigint references dibs.users (id),
    decided_at      timestamptz,
    reason          text check (length(reason) <= 500),
    check ((state = 'pending') = (decided_at is null))
);
-- One open review per partner and customer.
create unique index partner_reviews_one_open on dibs.partner_reviews (customer_id, partner_id) where state = 'pending';
create index partner_reviews_pending on dibs.partner_reviews (requested_at) where state = 'pending';

-- Every availability check, answered or refused at the cap (who asked, what, the answer).
create table dibs.partner_checks (
    id          bigint generated always as identity primary key,
    partner_id  bigint not null references dibs.partners (id),
    user_id     bigint not null references dibs.users (id),
    at          timestamptz not null default now(),
    name        text,
    code        text,
    phone       text,
    answer      text not null check (answer in ('available', 'unavailable', 'invalid', 'yours', 'over_cap'))
);
create index partner_checks_day on dibs.partner_checks (partner_id, at);

-- After a partner's registration ends (expired, cancelled) the same partner waits this long
-- before registering the company again (占坑 by re-registering is what it stops).
alter table dibs.settings add column partner_cooldown interval not null default '7 days'
    check (partner_cooldown between interval '0' and interval '365 days');

-- Review deadline (SLA): past it, the worker decides by the tie-break itself.
alter table dibs.settings add column review_sla interval not null default '2 days'
    check (review_sla between interval '1 hour' and interval '30 days');

alter table dibs.partners enable row level security;
create policy visible on dibs.partners for select using (
    (select dibs.my_role()) is distinct from 'partner'
    or id = (select dibs.my_partner()));

alter table dibs.partner_reviews enable row level security;
create policy visible on dibs.partner_reviews for select using (
    (select dibs.my_role()) in ('admin', 'viewer', 'manager')
    or requested_by = any ((select dibs.my_scope_users())::bigint[])
    or rival_id = (select dibs.my_id()));

alter table dibs.partner_checks enable row level security;
create policy visible on dibs.partner_checks for select using (
    (select dibs.sees_everything()) or user_id = (select dibs.my_id()));

-- A partner's person sees registrations of their partner (including those a channel manager
-- filed for it); the existing policy covers everyone's own scope.
create policy partner_registrations on dibs.registrations for select using (
    partner_id is not null
    and partner_id = (select dibs.my_partner()));

-- Partners see customers their people hold, nothing of the open sea (公海) or of teams: the
-- permissive policies of migration 6 are narrowed for them by this restrictive one.
create policy partners_only_theirs on dibs.customers as restrictive for select using (
    coalesce((select s.role from dibs.user_scopes s where s.login = session_user), '') <> 'partner'
    or owner_id = any ((select s.users from dibs.user_scopes s where s.login = session_user)::bigint[]));
create policy partners_only_theirs on dibs.leads as restrictive for select using (
    coalesce((select s.role from dibs.user_scopes s where s.login = session_user), '') <> 'partner');

-- The policies above (and migration 6's) look the caller up in user_scopes: partners may
-- read their own row there, nobody's else (staff logins and teams are not theirs to list).
alter table dibs.user_scopes enable row level security;
create policy visible on dibs.user_scopes for select using (
    login = session_user or (select dibs.my_role()) is distinct from 'partner');

-- Channel conflicts (渠道撞单) in the collision figures: attempt-days that collided where the
-- person and the other party are on different sides, a partner's person and a direct one.
alter table dibs.attempt_facts add column channel boolean not null default false;
alter table dibs.daily_figures add column channel_conflicts integer not null default 0;
