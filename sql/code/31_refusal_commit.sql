-- requires: 0013
-- A refused ownership call changes nothing but its own log row (I6), so it need not wait for
-- the disk (and a synchronous standby) at commit: at the 9 a.m. burst most calls are refusals,
-- and each one holding a pooled server connection through a WAL flush is what kept the last
-- claims waiting. Such a transaction commits with synchronous_commit = off: the rep's answer
-- is the same; a server crash within ~0.6 s (3 × wal_writer_delay) may lose that refusal's log
-- row, never a claim, a release or any other change.
--
-- It applies only to a transaction whose first write is the refusal (no transaction id yet).
-- Should the same transaction write anything else afterwards — a later successful call in a
-- batch, a script going on after a refused claim — the statement trigger below, on every dibs
-- table but the ownership log, puts the caller's own setting back before that write commits.
-- Its WHEN clause is evaluated without calling the function, so other writes pay next to
-- nothing.

create or replace function dibs.commit_refusal_lightly() returns void
language plpgsql volatile set search_path = dibs, pg_temp as $$
begin
    perform set_config('dibs.synchronous_commit_before', current_setting('synchronous_commit'), true);
    perform set_config('synchronous_commit', 'off', true);
    perform set_config('dibs.refusal_only', 'on', true);
end
$$;

create or replace function dibs.keep_commit_durable() returns trigger
language plpgsql volatile set search_path = dibs, pg_temp as $$
begin
    if current_setting('dibs.refusal_only', true) = 'on' then
        perform set_config('synchronous_commit', current_setting('dibs.synchronous_commit_before'), true);
        perform set_config('dibs.refusal_only', 'off', true);
    end if;
    return null;
end
$$;

-- On every table of the schema (a table a later migration adds gets it when code is next
-- applied; a test checks none is missing).
create or replace function dibs.install_durable_commit_triggers() returns void
language plpgsql as $$
declare
    t regclass;
begin
    for t in
        select c.oid::regclass from pg_class c
        where c.relnamespace = 'dibs'::regnamespace and c.relkind in ('r', 'p')
          and c.oid <> 'dibs.ownership_log'::regclass
          and not exists (select 1 from pg_trigger g
                          where g.tgrelid = c.oid and g.tgname = 'zz_keep_commit_durable')
    loop
        execute format('create trigger zz_keep_commit_durable after insert or update or delete on %s '
                       'for each statement when (current_setting(''dibs.refusal_only'', true) = ''on'') '
                       'execute function dibs.keep_commit_durable()', t);
    end loop;
end
$$;
select dibs.install_durable_commit_triggers();
