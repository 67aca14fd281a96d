-- Collision analytics (docs/ARCHITECTURE.md, "Analytics"): rollups the worker keeps from the
-- ownership log and the duplicate-check decisions, so dashboards never scan the raw log.
-- Clients are granted none of these tables: they read them through the functions of
-- sql/code/80_analytics.sql, which cut them to the caller's scope.

-- The organisation's time zone decides which local day an attempt belongs to. Set from the
-- server's when this migration runs; changing it later means rebuilding the rollups
-- (dibs.rebuild_analytics()).
alter table dibs.settings add column time_zone text not null default 'UTC';
update dibs.settings set time_zone = current_setting('TimeZone');

-- Decisions are read by the same "below the oldest running transaction" cursor as the log,
-- so they carry their transaction id too.
alter table dibs.dedup_decisions
    add column xid bigint not null default (pg_current_xact_id()::text::bigint);
create index dedup_decisions_xid on dibs.dedup_decisions (xid, id);
-- The rollup and the live events read the log in (xid, id) order from a cursor: a b-tree
-- serves that directly, where the range index made every batch sort all rows of the
-- transactions still ahead (a bulk load is one transaction: millions of rows per batch).
create index ownership_log_xid_id on dibs.ownership_log (xid, id);
drop index dibs.ownership_log_xid_brin;

-- How far the rollups have read each stream: (transaction id, row id) of the last row counted.
create table dibs.analytics_cursor (
    singleton     boolean primary key default true check (singleton),
    log_xid       bigint not null default 0,
    log_id        bigint not null default 0,
    decision_xid  bigint not null default 0,
    decision_id   bigint not null default 0,
    rows_counted  bigint not null default 0,
    updated_at    timestamptz
);
insert into dibs.analytics_cursor default values;

-- One row per attempt-day: a person, a subject (the company, else the record, else the
-- drafted name of a blocked create) and a local day; whether any attempt that day collided
-- and whether a collision was a race.
create table dibs.attempt_facts (
    user_id   bigint not null,
    day       date not null,
    subject   text not null,
    collided  boolean not null,
    raced     boolean not null,
    primary key (user_id, day, subject)
);
-- Collisions on companies, read by the summary and the contested list over a period.
create index attempt_facts_contested on dibs.attempt_facts (day) include (subject, user_id)
    where collided and subject like 'company:%';
-- Everyone who collided on one company in a period (the contested list's people count).
create index attempt_facts_by_company on dibs.attempt_facts (subject, day) include (user_id)
    where collided and subject like 'company:%';

-- One row per refusal-day: the same person, subject and day refused for one reason counts once.
create table dibs.refusal_facts (
    user_id  bigint not null,
    day      date not null,
    subject  text not null,
    reason   text not null,
    primary key (user_id, day, subject, reason)
);

-- Per person and local day.
create table dibs.daily_figures (
    day          date not null,
    user_id      bigint not null,
    attempts     integer not null default 0,   -- attempt-days
    collisions   integer not null default 0,   -- attempt-days that collided
    races        integer not null default 0,   -- attempt-days that raced
    taken        integer not null default 0,   -- records that became hers (claim, assign, transfer in, create …)
    recycled     integer not null default 0,   -- records the worker took back from her
    released     integer not null default 0,   -- records she let go
    primary key (day, user_id)
);
create index daily_figures_user on dibs.daily_figures (user_id, day);

-- Refusal-days per person, day and reason.
create table dibs.daily_refusals (
    day       date not null,
    user_id   bigint not null,
    reason    text not null,
    refusals  integer not null default 0,
    primary key (day, user_id, reason)
);

-- Duplicate-check decisions per person, day and decision (blocked, needs_override = warned,
-- warned_overridden, clean).
create table dibs.daily_decisions (
    day        date not null,
    user_id    bigint not null,
    decision   text not null,
    decisions  integer not null default 0,
    primary key (day, user_id, decision)
);

-- First follow-up time (首次跟进时长): takes still waiting for the taker's first follow-up on
-- that record (dropped when she lets it go first) …
create table dibs.open_takes (
    entity     dibs.entity_kind not null,
    entity_id  bigint not null,
    user_id    bigint not null,
    taken_at   timestamptz not null,
    primary key (entity, entity_id, user_id)
);
-- … and first follow-ups per person and local day of the take, by how long after the take
-- (bucket: dibs.followup_bucket).
create table dibs.daily_first_followups (
    day       date not null,
    user_id   bigint not null,
    bucket    smallint not null,
    followed  integer not null default 0,
    primary key (day, user_id, bucket)
);

-- Conversion cohorts (转化率): the last take of each lead, and per ISO week of the take
-- (Monday, local), pool and person, the leads taken and how many of them were converted
-- within 90 days of that take.
create table dibs.lead_takes (
    lead_id   bigint primary key,
    user_id   bigint not null,
    pool_id   bigint,
    taken_at  timestamptz not null
);
create table dibs.weekly_lead_cohorts (
    week       date not null,
    pool_id    bigint not null default 0,
    user_id    bigint not null,
    taken      integer not null default 0,
    converted  integer not null default 0,
    primary key (week, pool_id, user_id)
);

-- Re-claims (回收后被他人领取): each record's last recycle, for a take by someone else within
-- 7 days of it; counted in daily_figures.reclaimed (by the day of the take, for the taker).
create table dibs.recent_recycles (
    entity      dibs.entity_kind not null,
    entity_id   bigint not null,
    from_owner  bigint not null,
    at          timestamptz not null,
    primary key (entity, entity_id)
);
create index recent_recycles_at on dibs.recent_recycles (at);
alter table dibs.daily_figures add column reclaimed integer not null default 0;

-- Bad overrides: a record saved over a duplicate warning and later merged away.
create index dedup_decisions_overridden on dibs.dedup_decisions (at) where decision = 'warned_overridden';
create index customer_merges_drop on dibs.customer_merges (drop_id) where undone_at is null;

-- Shadow collisions (双跟进): who followed up which company in which ISO week (Monday, local),
-- and, once a company-week has two or more of them, each of its followers.
create table dibs.followup_facts (
    subject  text not null,
    week     date not null,
    user_id  bigint not null,
    primary key (subject, week, user_id)
);
create table dibs.shadow_people (
    week     date not null,
    subject  text not null,
    user_id  bigint not null,
    primary key (week, subject, user_id)
);
-- A manager's count reads her people's rows only.
create index shadow_people_by_person on dibs.shadow_people (user_id, week) include (subject);
-- One row per shadow company-week: the administrator's count reads these, not every follower.
create table dibs.shadow_companies (
    week     date not null,
    subject  text not null,
    primary key (week, subject)
);
