-- The stage board and the customer tree: stage moves with a version check (a lost race is
-- refused with who moved it and when, never overwritten), won/lost with a reason, every
-- move logged; re-parenting without cycles; the tree's nodes with owner, team and coverage.

create table dibs.opportunity_log (
    id              bigint generated always as identity primary key,
    at              timestamptz not null default clock_timestamp(),
    opportunity_id  bigint not null,
    actor_id        bigint,
    from_stage      smallint,
    to_stage        smallint,
    outcome         dibs.ownership_outcome not null,
    reason          text not null default 'ok',
    detail          jsonb
);

create index on dibs.opportunity_log (opportunity_id, at desc);

alter table dibs.opportunity_log enable row level security;

create policy visible on dibs.opportunity_log for select using (
    (select dibs.sees_everything())
    or actor_id = any ((select dibs.my_scope_users())::bigint[])
    or exists (select 1 from dibs.opportunities o where o.id = opportunity_id));

create type dibs.move_result as (
    ok         boolean,
    reason     text,          -- ok, changed, not_permitted, not_found, reason_required, invalid_argument
    version    integer,       -- the opportunity's version now
    stage      smallint,      -- its stage now
    by_name    text,          -- who moved it last (for "changed")
    moved_at   timestamptz
);

create index if not exists customers_parent_active on dibs.customers (parent_id, name) where status = 'active';

-- Repair: hand everything one person holds to another (someone left, a territory moved),
-- within the receiver's limits, with a preview; undo of such a hand-over. Every move is an
-- ownership-log row carrying the batch and the reason; what does not fit stays where it is.
create sequence dibs.repair_batches;
