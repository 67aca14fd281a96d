-- Also-known-as names of customers (曾用名, 别名, English names, short names): data, not
-- matching. A company that went by another name, or whose dropped duplicate was merged into
-- it, is still found by that name: the duplicate check probes these names' keys and scores
-- against every name of a company (sql/code/42_aliases.sql, src/dedup/check.rs).

create table dibs.customer_aliases (
    id bigserial primary key,
    customer_id bigint not null references dibs.customers (id) on delete cascade,
    name text not null check (length(btrim(name)) between 1 and 200),
    -- former: 曾用名; alias: 别名 (工行); english: 英文名; short: 简称
    kind text not null check (kind in ('former', 'alias', 'english', 'short')),
    -- Where it came from: typed by a rep, a column of an import, the name of a merged record.
    source text not null check (source in ('rep', 'import', 'merge')),
    -- Computed by the database on every write, as for customers (sql/code/42_aliases.sql).
    name_core text not null default '',
    name_keys text[] not null default '{}',
    added_by bigint references dibs.users (id),
    added_at timestamptz not null default now(),
    unique (customer_id, name)
);

create index customer_aliases_keys on dibs.customer_aliases using gin (name_keys);
create index customer_aliases_core on dibs.customer_aliases (name_core);
create index customer_aliases_customer on dibs.customer_aliases (customer_id);

-- Seen by whoever sees the customer (its row-level security applies inside the subquery).
alter table dibs.customer_aliases enable row level security;
create policy visible on dibs.customer_aliases for select using (
    exists (select 1 from dibs.customers c where c.id = customer_id));
