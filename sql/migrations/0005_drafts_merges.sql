-- In-flight drafts (two reps typing the same new company see each other before saving) and
-- customer merges that move everything attached and can be undone.

create table dibs.drafts (
    user_id     bigint not null references dibs.users (id),
    entity      dibs.entity_kind not null,
    name        text not null check (length(name) <= 200),
    name_core   text not null,
    updated_at  timestamptz not null default now(),
    primary key (user_id, entity)
);

create index drafts_core_trgm on dibs.drafts using gin (name_core dibs.gin_trgm_ops);

create table dibs.customer_merges (
    id           bigint generated always as identity primary key,
    at           timestamptz not null default now(),
    keep_id      bigint not null references dibs.customers (id),
    drop_id      bigint not null references dibs.customers (id),
    merged_by    bigint,
    login        name not null default session_user,
    drop_owner   bigint,
    keep_owner   bigint,
    moved        jsonb not null,
    undone_at    timestamptz,
    undone_by    bigint
);
