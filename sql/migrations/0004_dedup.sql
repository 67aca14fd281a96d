create table dibs.free_mail_domains (domain text primary key);

insert into dibs.free_mail_domains values
    ('qq.com'), ('foxmail.com'), ('163.com'), ('126.com'), ('yeah.net'), ('sina.com'), ('sina.cn'), ('sohu.com'),
    ('139.com'), ('189.cn'), ('aliyun.com'), ('gmail.com'), ('outlook.com'), ('hotmail.com'), ('live.com'),
    ('yahoo.com'), ('icloud.com'), ('me.com'), ('protonmail.com'), ('msn.com');

-- Rows loaded before this migration get their forms now.
update dibs.customers set name = name;

update dibs.leads set company_name = company_name;

-- Candidate retrieval: trigrams on the core name (the full name shares 有限公司-type trigrams
-- with everything), prefix on the core for the first characters typed, exact keys.
create index customers_core_trgm on dibs.customers using gin (name_core dibs.gin_trgm_ops) where status = 'active';

create index customers_core_prefix on dibs.customers (name_core text_pattern_ops) where status = 'active';

create index leads_core_trgm on dibs.leads using gin (name_core dibs.gin_trgm_ops) where status in ('new', 'working');

create index leads_core_prefix on dibs.leads (name_core text_pattern_ops) where status in ('new', 'working');

create index leads_email_domain on dibs.leads (email_domain) where email_domain is not null;

create index leads_uscc on dibs.leads (uscc) where uscc_valid;

-- Every warning shown, every block and every override: the collision statistics.
create table dibs.dedup_decisions (
    id               bigint generated always as identity primary key,
    at               timestamptz not null default now(),
    user_id          bigint,
    login            name not null default session_user,
    entity           dibs.entity_kind not null,
    created_id       bigint,
    draft_name       text not null,
    decision         text not null check (decision in ('clean', 'warned_overridden', 'blocked', 'needs_override')),
    candidates       jsonb,
    override_reason  text check (length(override_reason) <= 1000)
);

create index on dibs.dedup_decisions (at);
