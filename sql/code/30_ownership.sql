-- requires: 0002
-- The ownership engine: who owns which lead and customer, changed only here.
--
-- Invariants (docs/ARCHITECTURE.md): I1 one owner, I2 holding limit, I4 protection, I5
-- cooldown and daily cap, I6 every refusal explained and logged. Every function below runs
-- under READ COMMITTED and follows the measured recipe: cheap checks, then a
-- transaction-scoped advisory lock on the rep who gains a record, a count in its own statement
-- (a fresh snapshot taken after the lock), and a conditional UPDATE whose WHERE re-checks
-- ownership after any wait. Functions are SECURITY DEFINER with a pinned search_path; the
-- caller is `session_user`.

-- ---------------------------------------------------------------- helpers
create or replace function dibs.user_display_name(p_user bigint) returns text
language plpgsql stable as $$
begin
    return (select display_name from dibs.users where id = p_user);
end
$$;

-- The caller, or — for an admin only — the user they act for. The common case (a person
-- acting for themself) costs one index lookup.
create or replace function dibs.resolve_actor(p_for bigint, out actor_id bigint, out actor_role dibs.user_role,
                                   out caller_id bigint, out refusal text)
language plpgsql stable as $$
declare
    -- Without a gateway ticket the caller is the session's login, read here directly:
    -- dibs.caller_login() pins its search_path, a GUC save and restore on every call.
    v_login constant name := case when coalesce(current_setting('dibs.ticket', true), '') = '' then session_user
                                  else dibs.caller_login() end;
    v_admin boolean;
begin
    select id, role into caller_id, actor_role from dibs.users where login_role = v_login and active;
    if p_for is null and caller_id is not null then
        actor_id := caller_id;
        return;
    end if;
    v_admin := coalesce(actor_role = 'admin', false)
               or (caller_id is null and (pg_has_role(v_login, 'dibs_admin', 'member')
                   or (select rolsuper from pg_roles where rolname = v_login)));
    if p_for is null then
        -- An admin login without a dibs user (the cluster owner, an on-call account).
        if v_admin then
            actor_role := 'admin';
        else
            refusal := 'unknown_user';
        end if;
        return;
    end if;
    if not v_admin then
        refusal := 'not_permitted';
        actor_id := caller_id;
        return;
    end if;
    select id, role into actor_id, actor_role from dibs.users where id = p_for and active;
    if actor_id is null then
        refusal := 'unknown_user';
    end if;
end
$$;

-- True when `p_caller` (with role) may manage records of `p_user`: admins always,
-- managers for their own team.
create or replace function dibs.may_manage(p_caller bigint, p_caller_role dibs.user_role, p_user bigint) returns boolean
language plpgsql stable as $$
begin
    return (select p_caller_role = 'admin'
        or (p_caller_role = 'manager' and exists (
                select 1 from dibs.users c join dibs.users u on u.team_id = c.team_id
                where c.id = p_caller and u.id = p_user)));
end
$$;

create or replace function dibs.effective_limit(p_pool bigint, p_user bigint) returns integer
language plpgsql stable as $$
begin
    return (select coalesce(m.holding_limit, p.holding_limit)
    from dibs.pools p left join dibs.pool_members m on m.pool_id = p.id and m.user_id = p_user
    where p.id = p_pool);
end
$$;

create or replace function dibs.is_member(p_pool bigint, p_user bigint) returns boolean
language plpgsql stable as $$
begin
    return (select exists (select 1 from dibs.pool_members m join dibs.users u on u.id = m.user_id
                   where m.pool_id = p_pool and m.user_id = p_user and u.active));
end
$$;

-- Holdings are counted in their own statement after the rep's lock is taken, so the count
-- sees every committed claim of that rep (READ COMMITTED: one snapshot per statement).
create or replace function dibs.lead_holdings(p_pool bigint, p_user bigint) returns integer
language plpgsql stable as $$
begin
    return (select count(*)::int from dibs.leads
    where owner_id = p_user and pool_id = p_pool and status in ('new', 'working'));
end
$$;

create or replace function dibs.customer_holdings(p_pool bigint, p_user bigint) returns integer
language plpgsql stable as $$
begin
    return (select count(*)::int from dibs.customers
    where owner_id = p_user and pool_id is not distinct from p_pool and status = 'active');
end
$$;

-- Serialises everything that can raise one rep's holdings (I2).
-- SQL of one SELECT, so PostgreSQL inlines it into the caller's statement: `perform
-- dibs.lock_rep(x)` costs what `perform pg_advisory_xact_lock(1147, x)` costs, the key stays
-- in one place. (A PL/pgSQL body cost a function call and a second statement per claim.)
create or replace function dibs.lock_rep(p_user bigint) returns void
language sql volatile as $$
    select pg_advisory_xact_lock(1147, p_user::int)
$$;

-- For sweeps that already hold row locks: waiting here could deadlock with a claim that
-- holds the rep's lock and waits for one of those rows, so a busy rep is skipped instead.
create or replace function dibs.try_lock_rep(p_user bigint) returns boolean
language sql volatile as $$
    select pg_try_advisory_xact_lock(1147, p_user::int)
$$;

create or replace function dibs.log_ownership(
    p_entity dibs.entity_kind, p_id bigint, p_action dibs.ownership_action, p_ok boolean, p_reason text,
    p_actor bigint, p_from bigint, p_to bigint, p_pool bigint, p_detail jsonb default null)
returns void
language plpgsql volatile as $$
begin
    insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, from_owner, to_owner,
                                    pool_id, detail)
    values (p_entity, p_id, p_action, case when p_ok then 'ok' else 'refused' end::dibs.ownership_outcome,
            p_reason, p_actor, p_from, p_to, p_pool, p_detail); 
end
$$;

-- Builds an outcome; refusals are logged in the same transaction (I6).
create or replace function dibs.result(
    p_ok boolean, p_reason text, p_entity dibs.entity_kind, p_id bigint, p_action dibs.ownership_action,
    p_actor bigint, p_owner bigint, p_other bigint default null, p_since timestamptz default null,
    p_pool bigint default null, p_detail jsonb default null, p_from bigint default null)
returns dibs.outcome
language plpgsql as $$
begin
    if not p_ok then
        -- A refusal that is all its transaction writes commits without waiting for the disk
        -- (sql/code/31_refusal_commit.sql says why and what keeps it from spreading).
        if pg_current_xact_id_if_assigned() is null then
            perform dibs.commit_refusal_lightly();
        end if;
        -- A refusal records the owner at that moment and, in detail, the other party.
        perform dibs.log_ownership(p_entity, coalesce(p_id, 0), p_action, false, p_reason, p_actor,
                                   coalesce(p_from, p_owner), null, p_pool,
                                   -- With when the other party took it: a refusal soon after is a race.
                                   nullif(coalesce(p_detail, '{}'::jsonb)
                                          || case when p_other is null then '{}'::jsonb
                                                  else jsonb_build_object('other', p_other) end
                                          || case when p_since is null then '{}'::jsonb
                                                  else jsonb_build_object('other_since', p_since) end,
                                          '{}'::jsonb));
    elsif p_reason in ('already_yours', 'already_theirs') then
        -- The owner was read on the statement's snapshot, with no lock: another session (the
        -- rep's own second window) may have released the record since and committed. Logged as
        -- it stood, the row would name an owner the record no longer has, after the release in
        -- the log. So the owner is confirmed under a share lock, which waits for such a change
        -- and keeps any later one behind this row; if the record moved, this was a lost race.
        if p_entity = 'lead' then
            perform 1 from dibs.leads where id = p_id and owner_id = p_owner for share;
        else
            perform 1 from dibs.customers where id = p_id and owner_id = p_owner for share;
        end if;
        if not found then
            return dibs.result(false, 'changed', p_entity, p_id, p_action, p_actor, null, null, null, p_pool,
                               p_detail);
        end if;
        -- A success that changed nothing is an attempt all the same (the analytics count
        -- attempts): logged with the owner on both sides, so the log's chain stays whole.
        perform dibs.log_ownership(p_entity, p_id, p_action, true, p_reason, p_actor, p_owner, p_owner, p_pool,
                                   p_detail);
    end if;
    -- Only when there is someone to name: with a null argument the name's lookup was planned
    -- afresh on every call (a null key makes each custom plan look cheaper than the cached one).
    return row(p_ok, p_reason, p_entity, p_id, p_owner, p_other,
               case when p_other is not null then dibs.user_display_name(p_other) end, p_since,
               p_detail)::dibs.outcome;
end
$$;

-- The most recent release/recycle of this record away from this rep inside the cooldown.
create or replace function dibs.cooldown_until(p_entity dibs.entity_kind, p_id bigint, p_user bigint, p_cooldown interval)
returns timestamptz
language plpgsql stable as $$
begin
    return (select max(at) + p_cooldown from dibs.ownership_log
    where entity = p_entity and entity_id = p_id and from_owner = p_user and outcome = 'ok'
      and action in ('release', 'recycle') and at > now() - p_cooldown);
end
$$;

-- Hook for the duplicate check (its own issue): may refuse creating a customer. Until then it
-- refuses only what the database would refuse anyway: a valid credit code already in use.
create or replace function dibs.before_customer_create(p_name text, p_uscc text, p_phone_e164 text, p_email_domain text,
                                            out blocked boolean, out reason text, out existing_id bigint)
language plpgsql stable as $$
begin
    blocked := false;
    if p_uscc is not null and dibs.uscc_is_valid(p_uscc) then
        select id into existing_id from dibs.customers where uscc = p_uscc and uscc_valid and status = 'active';
        if existing_id is not null then
            blocked := true;
            reason := 'duplicate_credit_code';
        end if;
    end if;
end
$$;

-- Retired by the one-implementation rewrite (their wrappers keep the public signatures).
drop function if exists dibs.move_lead(bigint, bigint, dibs.ownership_action, bigint, bigint, text);
-- Grew a company override (claim) and a move of a company's other records (move_record).
drop function if exists dibs.claim(dibs.entity_kind, bigint, bigint, dibs.ownership_action);
drop function if exists dibs.claim_lead(bigint, bigint);
drop function if exists dibs.claim_customer(bigint, bigint, dibs.ownership_action);
drop function if exists dibs.move_record(dibs.entity_kind, bigint, bigint, dibs.ownership_action, bigint, bigint,
                                         jsonb, boolean);

-- Claim (领取) a lead from its pool, or a customer from the customer pool (公海), for oneself.
-- One implementation for both (static statements per entity, no dynamic SQL on the hot path),
-- so the rules cannot drift apart. The hot path of dibs: one lookup for the caller, one for
-- the record with its pool's rules and the caller's membership, the rep's lock, two counts,
-- the conditional update and the log row.
-- Checks in order: already yours · owned by someone · not claimable (status) · protected by a
-- registration (I4) · locked · not a member · cooldown (I5) · then, under the company's lock,
-- someone else holding the company (I7; under a warn rule a reason lets it pass and is kept)
-- · then, under the rep's lock, daily cap and holding limit (I2). A race lost after the lock answers `already_owned_by`
-- when someone took it, `changed` when it was otherwise changed (locked, converted, …).
-- The wrappers below (claim_lead, claim_customer) are one-line SQL functions that PostgreSQL
-- inlines into the caller's statement, so a claim is one PL/pgSQL call with one pinned
-- search_path, where a PL/pgSQL wrapper cost a second call on every claim (on one connection
-- the saving was within run-to-run noise; it is kept as work removed). Callable by whoever may claim: every argument is checked here, and
-- p_action (which only names the action in refusals) is open through claim_customer anyway.
create or replace function dibs.claim(p_entity dibs.entity_kind, p_id bigint, p_for bigint,
                                      p_action dibs.ownership_action default 'claim',
                                      p_override text default null) returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    a record;
    v_owner bigint;
    v_since timestamptz;
    v_pool bigint;
    v_status text;
    v_claimable boolean;
    v_locked boolean;
    v_locked_by bigint;
    v_cooldown interval;
    v_cap integer;
    v_limit integer;
    v_member boolean;
    r dibs.registrations;
    v_until timestamptz;
    v_claims integer;
    v_held integer;
    v_company bigint;
    h record;
    v_override jsonb;
    v_detail jsonb;
begin
    -- Helpers that return one row are called as expressions (`a := f(…)`), never as
    -- `select * into a from f(…)`: a function in FROM builds its row type and a tuple store
    -- on every call. Measured on one connection, a claim took 1.13 ms that way and 0.90 ms
    -- this way (company_holder 0.15 ms of it, resolve_actor the rest).
    a := dibs.resolve_actor(p_for);
    if a.refusal is not null or a.actor_id is null then
        return dibs.result(false, coalesce(a.refusal, 'unknown_user'), p_entity, p_id, p_action, a.caller_id, null);
    end if;
    if length(p_override) > 500 then
        return dibs.result(false, 'invalid_argument', p_entity, p_id, p_action, a.actor_id, null);
    end if;
    if p_entity = 'lead' then
        select ld.owner_id, ld.owned_since, ld.pool_id, ld.status::text, ld.status = 'new', ld.locked, null::bigint,
               p.cooldown, p.daily_claim_cap, coalesce(m.holding_limit, p.holding_limit), m.user_id is not null,
               ld.company_id
        into v_owner, v_since, v_pool, v_status, v_claimable, v_locked, v_locked_by,
             v_cooldown, v_cap, v_limit, v_member, v_company
        from dibs.leads ld join dibs.pools p on p.id = ld.pool_id
        left join dibs.pool_members m on m.pool_id = ld.pool_id and m.user_id = a.actor_id
        where ld.id = p_id;
    else
        -- A merged or archived customer is gone as far as claiming goes.
        select c.owner_id, c.owned_since, c.pool_id, c.status::text, true, c.locked, c.locked_by,
               p.cooldown, p.daily_claim_cap, coalesce(m.holding_limit, p.holding_limit), m.user_id is not null,
               c.company_id
        into v_owner, v_since, v_pool, v_status, v_claimable, v_locked, v_locked_by,
             v_cooldown, v_cap, v_limit, v_member, v_company
        from dibs.customers c left join dibs.pools p on p.id = c.pool_id
        left join dibs.pool_members m on m.pool_id = c.pool_id and m.user_id = a.actor_id
        where c.id = p_id and c.status = 'active';
    end if;
    if not found then
        return dibs.result(false, 'not_found', p_entity, p_id, p_action, a.actor_id, null);
    end if;
    if v_owner = a.actor_id then
        return dibs.result(true, 'already_yours', p_entity, p_id, p_action, a.actor_id, v_owner);
    end if;
    if v_owner is not null then
        return dibs.result(false, 'already_owned_by', p_entity, p_id, p_action, a.actor_id, v_owner,
                           v_owner, v_since, v_pool);
    end if;
    if not v_claimable then
        return dibs.result(false, 'not_claimable', p_entity, p_id, p_action, a.actor_id, null, null, null, v_pool,
                           jsonb_build_object('status', v_status));
    end if;
    if p_entity = 'customer' then
        select * into r from dibs.registrations
        where customer_id = p_id and status = 'active' and expires_at > now();
        if r.id is not null and r.registered_by <> a.actor_id then
            return dibs.result(false, 'protected_by', p_entity, p_id, p_action, a.actor_id, null,
                               r.registered_by, r.starts_at, v_pool,
                               jsonb_build_object('until', r.expires_at, 'partner', r.partner_name));
        end if;
    end if;
    if v_locked then
        return dibs.result(false, 'locked', p_entity, p_id, p_action, a.actor_id, null, v_locked_by, null, v_pool);
    end if;
    if not coalesce(v_member, false) then
        return dibs.result(false, 'not_member', p_entity, p_id, p_action, a.actor_id, null, null, null, v_pool);
    end if;
    if v_cooldown > '0' then
        v_until := dibs.cooldown_until(p_entity, p_id, a.actor_id, v_cooldown);
        if v_until is not null then
            return dibs.result(false, 'cooldown', p_entity, p_id, p_action, a.actor_id, null, null, null, v_pool,
                               jsonb_build_object('until', v_until));
        end if;
    end if;

    if v_company is not null then
        perform dibs.lock_company(v_company);
        h := dibs.company_holder(v_company, p_entity, p_id, a.actor_id);
        if h.holder is not null then
            if h.mode = 'block' or coalesce(btrim(p_override), '') = '' then
                return dibs.result(false, 'company_held', p_entity, p_id, p_action, a.actor_id, null, h.holder,
                                   h.since, v_pool, dibs.company_refusal(v_company, h.holder, h.record_entity, h.record_id, h.record_name, h.mode, h.mode = 'warn'));
            end if;
            insert into dibs.company_overrides (company_id, user_id, reason)
            values (v_company, a.actor_id, btrim(p_override))
            on conflict (company_id, user_id) do update set reason = excluded.reason, created_at = now();
            v_override := jsonb_build_object('company_override', btrim(p_override), 'holder', h.holder,
                                             'company', v_company);
        end if;
        perform dibs.company_checked(v_company, a.actor_id);
    end if;
    perform dibs.lock_rep(a.actor_id);
    -- One statement, after the lock: it sees every committed claim of this rep, today's
    -- count and the holdings alike. It counts a column outside the index on purpose: a plain
    -- index scan marks the entries of released row versions dead as it passes (an
    -- index-only scan would revisit them on every claim).
    if p_entity = 'lead' then
        select count(ld.version),
               (select d.claims from dibs.daily_claims d
                where d.user_id = a.actor_id and d.pool_id = v_pool and d.day = current_date)
        into v_held, v_claims
        from dibs.leads ld
        where ld.owner_id = a.actor_id and ld.pool_id = v_pool and ld.status in ('new', 'working');
    else
        select count(c.version),
               (select d.claims from dibs.daily_claims d
                where d.user_id = a.actor_id and d.pool_id = v_pool and d.day = current_date)
        into v_held, v_claims
        from dibs.customers c
        where c.owner_id = a.actor_id and c.pool_id = v_pool and c.status = 'active';
    end if;
    if coalesce(v_claims, 0) >= v_cap then
        return dibs.result(false, 'daily_cap', p_entity, p_id, p_action, a.actor_id, null, null, null, v_pool,
                           jsonb_build_object('claims', v_claims, 'cap', v_cap));
    end if;
    if v_held >= v_limit then
        return dibs.result(false, 'over_limit', p_entity, p_id, p_action, a.actor_id, null, null, null, v_pool,
                           jsonb_build_object('held', v_held, 'limit', v_limit));
    end if;

    -- The WHERE re-checks ownership on the row version that won any race.
    if p_entity = 'lead' then
        update dibs.leads set owner_id = a.actor_id, owned_since = now(), status = 'working',
                              version = version + 1, updated_at = now()
        where id = p_id and owner_id is null and status = 'new' and not locked;
    else
        update dibs.customers set owner_id = a.actor_id, owned_since = now(), version = version + 1,
                                  updated_at = now(),
                                  team_id = (select team_id from dibs.users where id = a.actor_id)
        where id = p_id and owner_id is null and status = 'active' and not locked
          and (protected_until is null or protected_until <= now() or r.id is not null);
    end if;
    if not found then
        if p_entity = 'lead' then
            select owner_id, owned_since into v_owner, v_since from dibs.leads where id = p_id;
        else
            select owner_id, owned_since into v_owner, v_since from dibs.customers where id = p_id;
        end if;
        return dibs.result(false, case when v_owner is not null then 'already_owned_by' else 'changed' end,
                           p_entity, p_id, p_action, a.actor_id, v_owner, v_owner, v_since, v_pool,
                           jsonb_build_object('race', true));
    end if;
    -- Only claims write this counter, each under the rep's lock, so the read above tells
    -- whether today's row exists: a plain update then, cheaper than an upsert's speculative
    -- insert. The upsert stays for the first claim of the day (and anything written by hand).
    if v_claims is null then
        insert into dibs.daily_claims (user_id, pool_id, day, claims) values (a.actor_id, v_pool, current_date, 1)
        on conflict (user_id, pool_id, day) do update set claims = dibs.daily_claims.claims + 1;
    else
        update dibs.daily_claims set claims = claims + 1
        where user_id = a.actor_id and pool_id = v_pool and day = current_date;
    end if;
    -- The detail is worked out before the INSERT, not inside it: with its usual arguments null,
    -- an expression in the statement folds away in a plan made for those values, so that plan
    -- always looked cheaper than the kept one and the INSERT was planned on every claim
    -- (measured: 52 µs against 32 µs).
    v_detail := case when p_for is not null then '{"on_behalf": true}'::jsonb end;
    if v_override is not null then
        v_detail := coalesce(v_detail, '{}'::jsonb) || v_override;
    end if;
    -- The change is a claim whatever led to it (a registration or a conversion logs its own row).
    insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, to_owner, pool_id, detail)
    values (p_entity, p_id, 'claim', 'ok', 'ok', coalesce(a.caller_id, a.actor_id), a.actor_id, v_pool, v_detail);
    return row(true, 'ok', p_entity, p_id, a.actor_id, null, null, now(),
               jsonb_build_object('held', v_held + 1, 'limit', v_limit))::dibs.outcome;
end
$$;

-- Counters of past days decide nothing (the daily cap reads today's; analytics read the log).
-- The worker deletes them, batch by batch, so that the counter table, stored at a fill factor
-- of 10 (migration 0014), stays a few pages. Two days are kept: `current_date` is the
-- claiming session's date, and sessions in time zones far apart can be a day or more apart.
create or replace function dibs.purge_claim_counters(p_max integer default 5000) returns integer
language sql volatile security definer set search_path = dibs, pg_temp as $$
    with gone as (
        delete from dibs.daily_claims
        where (user_id, pool_id, day) in (select user_id, pool_id, day from dibs.daily_claims
                                          where day < current_date - 2 limit p_max)
        returning 1
    )
    select count(*)::integer from gone
$$;

-- p_override: the reason to work a company someone else holds, where the rule is 'warn'.
-- An SQL-standard body (parsed once, here, so no caller's search_path can change what it
-- names), not SECURITY DEFINER and without SET: the conditions for PostgreSQL to inline it.
-- Inlining happens where it is called as a value (`select dibs.claim_lead(…)`); called in FROM
-- it still works, as an ordinary SQL function.
create or replace function dibs.claim_lead(p_lead bigint, p_for bigint default null, p_override text default null)
returns dibs.outcome
language sql volatile
return dibs.claim('lead', p_lead, p_for, 'claim', p_override);

create or replace function dibs.claim_customer(p_customer bigint, p_for bigint default null,
                                               p_action dibs.ownership_action default 'claim',
                                               p_override text default null) returns dibs.outcome
language sql volatile
return dibs.claim('customer', p_customer, p_for, p_action, p_override);

-- Release (退回) a lead to its pool or a customer to the customer pool: the owner, or a manager
-- (admin) for someone in their team. The cooldown then stops an instant re-claim that would
-- only reset the recycle clock. A released customer's registration ends with it.
-- Called through inlined wrappers, like dibs.claim.
create or replace function dibs.release(p_entity dibs.entity_kind, p_id bigint, p_for bigint) returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    a record;
    v_owner bigint;
    v_pool bigint;
    v_status text;
    v_releasable boolean;
begin
    a := dibs.resolve_actor(p_for);
    if a.refusal is not null or a.actor_id is null then
        return dibs.result(false, coalesce(a.refusal, 'unknown_user'), p_entity, p_id, 'release', a.caller_id, null);
    end if;
    -- The common case in one statement: my own record goes back. The status is compared as
    -- text so that only the primary key can find the row: with `status = 'working'` the
    -- planner may read a partial index of held records (leads_recycle_held) end to end
    -- instead, which it thinks small while its statistics lag a bulk load or a busy hour;
    -- measured at 1.8 ms a release against 0.6 ms by the key under 32 claiming reps.
    if p_entity = 'lead' then
        update dibs.leads set owner_id = null, owned_since = null, status = 'new', version = version + 1,
                              updated_at = now(), assign_attempted_at = now(), assign_note = 'released'
        where id = p_id and owner_id = a.actor_id and status::text = 'working'
        returning pool_id into v_pool;
    else
        update dibs.customers set owner_id = null, owned_since = null, team_id = null, protected_until = null,
                                  version = version + 1, updated_at = now()
        where id = p_id and owner_id = a.actor_id and status::text = 'active'
        returning pool_id into v_pool;
    end if;
    if found then
        v_owner := a.actor_id;
    else
        if p_entity = 'lead' then
            select owner_id, pool_id, status::text, status = 'working' into v_owner, v_pool, v_status, v_releasable
            from dibs.leads where id = p_id;
        else
            select owner_id, pool_id, status::text, true into v_owner, v_pool, v_status, v_releasable
            from dibs.customers where id = p_id and status = 'active';
        end if;
        if not found then
            return dibs.result(false, 'not_found', p_entity, p_id, 'release', a.actor_id, null);
        end if;
        -- Someone else's: a manager (or admin) may release it for someone in their team.
        if v_owner is null or (v_owner <> a.actor_id and not dibs.may_manage(a.actor_id, a.actor_role, v_owner)) then
            return dibs.result(false, 'not_owner', p_entity, p_id, 'release', a.actor_id, v_owner, v_owner, null,
                               v_pool);
        end if;
        if not v_releasable then
            return dibs.result(false, 'not_claimable', p_entity, p_id, 'release', a.actor_id, v_owner, null, null,
                               v_pool, jsonb_build_object('status', v_status));
        end if;
        if p_entity = 'lead' then
            update dibs.leads set owner_id = null, owned_since = null, status = 'new', version = version + 1,
                                  updated_at = now(), assign_attempted_at = now(), assign_note = 'released'
            where id = p_id and owner_id = v_owner and status::text = 'working';
        else
            update dibs.customers set owner_id = null, owned_since = null, team_id = null, protected_until = null,
                                      version = version + 1, updated_at = now()
            where id = p_id and owner_id = v_owner and status::text = 'active';
        end if;
        if not found then
            return dibs.result(false, 'changed', p_entity, p_id, 'release', a.actor_id, v_owner, v_owner, null,
                               v_pool);
        end if;
    end if;
    if p_entity = 'customer' then
        update dibs.registrations set status = 'cancelled' where customer_id = p_id and status = 'active';
    end if;
    insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, from_owner, pool_id)
    values (p_entity, p_id, 'release', 'ok', 'ok', coalesce(a.caller_id, a.actor_id), v_owner, v_pool);
    return row(true, 'ok', p_entity, p_id, null, null, null, null, null)::dibs.outcome;
end
$$;

create or replace function dibs.release_lead(p_lead bigint, p_for bigint default null) returns dibs.outcome
language sql volatile
return dibs.release('lead', p_lead, p_for);

create or replace function dibs.release_customer(p_customer bigint, p_for bigint default null) returns dibs.outcome
language sql volatile
return dibs.release('customer', p_customer, p_for);

-- Moves a lead or customer to `p_to`: assign (a manager or admin, from the pool or from anyone
-- in their team) or transfer (the owner hands over, or a manager reassigns). The receiver's
-- limit holds (I2). `p_expected_owner` refuses with `changed` when the record moved meanwhile;
-- `p_detail` goes into the log row (a hand-over's batch and reason); `p_checked` skips the
-- permission check for callers that made their own (transfer_all, undo_transfer — neither is
-- granted to clients except through those). The company moves as a whole (I7): the giver's
-- other records of it move along, each within the receiver's limits, or nothing moves;
-- `p_with_company` marks such a record.
create or replace function dibs.move_record(p_entity dibs.entity_kind, p_id bigint, p_to bigint,
                                            p_action dibs.ownership_action, p_for bigint,
                                            p_expected_owner bigint default null, p_detail jsonb default null,
                                            p_checked boolean default false, p_with_company boolean default false)
returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    a record;
    v_owner bigint;
    v_since timestamptz;
    v_pool bigint;
    v_status text;
    v_movable boolean;
    v_held integer;
    v_limit integer;
    v_permitted boolean;
    v_company bigint;
    h record;
    s record;
    v_along dibs.outcome;
    v_moved_along integer := 0;
    v_reason text;
    v_which text;
begin
    a := dibs.resolve_actor(p_for);
    if a.refusal is not null or a.actor_role is null then
        return dibs.result(false, coalesce(a.refusal, 'unknown_user'), p_entity, p_id, p_action, a.caller_id, null,
                           null, null, null, p_detail);
    end if;
    if p_entity = 'lead' then
        select owner_id, owned_since, pool_id, status::text, status in ('new', 'working'), company_id
        into v_owner, v_since, v_pool, v_status, v_movable, v_company
        from dibs.leads where id = p_id;
    else
        select owner_id, owned_since, pool_id, status::text, true, company_id
        into v_owner, v_since, v_pool, v_status, v_movable, v_company
        from dibs.customers where id = p_id and status = 'active';
    end if;
    if not found then
        return dibs.result(false, 'not_found', p_entity, p_id, p_action, a.actor_id, null, null, null, null,
                           p_detail);
    end if;
    if not exists (select 1 from dibs.users where id = p_to and active) then
        return dibs.result(false, 'unknown_user', p_entity, p_id, p_action, a.actor_id, v_owner, p_to, null, v_pool,
                           p_detail);
    end if;
    v_permitted := p_checked
        or (dibs.may_manage(a.actor_id, a.actor_role, p_to)
            and (v_owner is null or dibs.may_manage(a.actor_id, a.actor_role, v_owner)))
        or (p_action = 'transfer' and v_owner = a.actor_id);
    if not v_permitted then
        return dibs.result(false, 'not_permitted', p_entity, p_id, p_action, a.actor_id, v_owner, null, null, v_pool,
                           p_detail);
    end if;
    if v_owner = p_to then
        return dibs.result(true, 'already_theirs', p_entity, p_id, p_action, a.actor_id, p_to);
    end if;
    if not v_movable then
        return dibs.result(false, 'not_claimable', p_entity, p_id, p_action, a.actor_id, v_owner, null, null,
                           v_pool, coalesce(p_detail, '{}'::jsonb) || jsonb_build_object('status', v_status));
    end if;
    if p_expected_owner is not null and v_owner is distinct from p_expected_owner then
        return dibs.result(false, 'changed', p_entity, p_id, p_action, a.actor_id, v_owner, v_owner, v_since,
                           v_pool, p_detail);
    end if;
    -- A customer outside any pool has no membership or limit to respect.
    if v_pool is not null and not dibs.is_member(v_pool, p_to) then
        return dibs.result(false, 'not_member', p_entity, p_id, p_action, a.actor_id, v_owner, p_to, null, v_pool,
                           p_detail);
    end if;
    -- I7: nobody but the receiver (and the giver, whose records of the company move along)
    -- may hold the company. A record moving along was checked with the one it moves with.
    if v_company is not null and not p_with_company then
        perform dibs.lock_company(v_company);
        h := dibs.company_holder(v_company, p_entity, p_id, p_to, v_owner);
        if h.holder is not null then
            return dibs.result(false, 'company_held', p_entity, p_id, p_action, a.actor_id, v_owner, h.holder,
                               h.since, v_pool,
                               coalesce(p_detail, '{}'::jsonb) || dibs.company_refusal(v_company, h.holder, h.record_entity, h.record_id, h.record_name, h.mode, false));
        end if;
        perform dibs.company_checked(v_company, p_to);
    end if;
    perform dibs.lock_rep(p_to);
    if p_entity = 'lead' then
        select count(ld.version) into v_held from dibs.leads ld
        where ld.owner_id = p_to and ld.pool_id = v_pool and ld.status in ('new', 'working');
    else
        select count(c.version) into v_held from dibs.customers c
        where c.owner_id = p_to and c.pool_id is not distinct from v_pool and c.status = 'active';
    end if;
    v_limit := coalesce(dibs.effective_limit(v_pool, p_to), 2147483647);
    if v_held >= v_limit then
        return dibs.result(false, 'over_limit', p_entity, p_id, p_action, a.actor_id, v_owner, p_to, null, v_pool,
                           coalesce(p_detail, '{}'::jsonb) || jsonb_build_object('held', v_held, 'limit', v_limit));
    end if;
    -- The move and the company's other records of the giver move together or not at all.
    begin
        if p_entity = 'lead' then
            update dibs.leads set owner_id = p_to, owned_since = now(), status = 'working', version = version + 1,
                                  updated_at = now()
            where id = p_id and owner_id is not distinct from v_owner and status in ('new', 'working');
        else
            update dibs.customers set owner_id = p_to, owned_since = now(), version = version + 1, updated_at = now(),
                                      team_id = (select team_id from dibs.users where id = p_to)
            where id = p_id and owner_id is not distinct from v_owner and status = 'active';
        end if;
        if not found then
            return dibs.result(false, 'changed', p_entity, p_id, p_action, a.actor_id, v_owner, v_owner, v_since,
                               v_pool, p_detail);
        end if;
        if p_entity = 'customer' then
            -- A registration belongs to whoever works the customer now.
            update dibs.registrations set registered_by = p_to where customer_id = p_id and status = 'active';
        end if;
        insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, actor_id, from_owner, to_owner,
                                        pool_id, detail)
        values (p_entity, p_id, p_action, 'ok', 'ok', coalesce(a.caller_id, a.actor_id), v_owner, p_to, v_pool,
                p_detail);
        if v_company is not null and v_owner is not null and not p_with_company then
            for s in
                select r.entity, r.id from dibs.company_records(v_company) r
                where r.owner_id = v_owner and not (r.entity = p_entity and r.id = p_id)
                order by r.entity, r.id
            loop
                v_along := dibs.move_record(s.entity, s.id, p_to, p_action, p_for, v_owner,
                                            coalesce(p_detail, '{}'::jsonb)
                                            || jsonb_build_object('with', jsonb_build_object('entity', p_entity,
                                                                                             'id', p_id)),
                                            true, true);
                if not v_along.ok then
                    raise exception using errcode = 'DB008', message = v_along.reason,
                        detail = jsonb_build_object('entity', s.entity, 'id', s.id)::text;
                end if;
                v_moved_along := v_moved_along + 1;
            end loop;
        end if;
    exception when sqlstate 'DB008' then
        get stacked diagnostics v_reason = message_text, v_which = pg_exception_detail;
        return dibs.result(false, v_reason, p_entity, p_id, p_action, a.actor_id, v_owner, p_to, null, v_pool,
                           coalesce(p_detail, '{}'::jsonb) || jsonb_build_object('company_record', v_which::jsonb));
    end;
    return dibs.result(true, 'ok', p_entity, p_id, p_action, a.actor_id, p_to, v_owner, null, v_pool,
                       jsonb_build_object('held', v_held + 1, 'limit', v_limit, 'moved_along', v_moved_along));
end
$$;

create or replace function dibs.assign_lead(p_lead bigint, p_to bigint, p_for bigint default null) returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
begin
    return dibs.move_record('lead', p_lead, p_to, 'assign', p_for);
end
$$;

create or replace function dibs.transfer_lead(p_lead bigint, p_to bigint, p_for bigint default null) returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
begin
    return dibs.move_record('lead', p_lead, p_to, 'transfer', p_for);
end
$$;

create or replace function dibs.transfer_customer(p_customer bigint, p_to bigint, p_for bigint default null,
                                                  p_action dibs.ownership_action default 'transfer')
returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
begin
    return dibs.move_record('customer', p_customer, p_to, p_action, p_for);
end
$$;

-- 报备: register a prospect for a protection period. An unowned customer is claimed with it
-- (all claim rules apply); activity extends the period up to the pool's maximum.
create or replace function dibs.register_customer(p_customer bigint, p_partner text default null, p_note text default null,
                                       p_for bigint default null) returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    a record;
    c dibs.customers;
    r dibs.registrations;
    v_period interval;
    v_max interval;
    v_claim dibs.outcome;
    v_expires timestamptz;
begin
    a := dibs.resolve_actor(p_for);
    if a.refusal is not null or a.actor_id is null then
        return dibs.result(false, coalesce(a.refusal, 'unknown_user'), 'customer', p_customer, 'register',
                           a.caller_id, null);
    end if;
    if length(p_partner) > 200 or length(p_note) > 2000 then
        return dibs.result(false, 'invalid_argument', 'customer', p_customer, 'register', a.actor_id, null);
    end if;
    select * into c from dibs.customers where id = p_customer;
    if c.id is null or c.status <> 'active' then
        return dibs.result(false, 'not_found', 'customer', p_customer, 'register', a.actor_id, null);
    end if;
    -- A registration past its end that the worker has not expired yet no longer protects.
    update dibs.registrations set status = 'expired'
    where customer_id = p_customer and status = 'active' and expires_at <= now();
    select * into r from dibs.registrations where customer_id = p_customer and status = 'active';
    if r.id is not null then
        if r.registered_by = a.actor_id then
            return dibs.result(true, 'already_yours', 'customer', p_customer, 'register', a.actor_id, c.owner_id,
                               null, r.starts_at, c.pool_id, jsonb_build_object('until', r.expires_at));
        end if;
        return dibs.result(false, 'protected_by', 'customer', p_customer, 'register', a.actor_id, c.owner_id,
                           r.registered_by, r.starts_at, c.pool_id,
                           jsonb_build_object('until', r.expires_at, 'partner', r.partner_name));
    end if;
    if c.owner_id is not null and c.owner_id <> a.actor_id then
        return dibs.result(false, 'already_owned_by', 'customer', p_customer, 'register', a.actor_id, c.owner_id,
                           c.owner_id, c.owned_since, c.pool_id);
    end if;
    if c.owner_id is null then
        v_claim := dibs.claim_customer(p_customer, p_for, 'register');
        if not v_claim.ok then
            return v_claim;
        end if;
    end if;
    select coalesce(registration_period, '30 days'), coalesce(registration_max, '90 days')
    into v_period, v_max from dibs.pools where id = c.pool_id;
    v_period := coalesce(v_period, '30 days');
    v_max := coalesce(v_max, '90 days');
    v_expires := now() + v_period;
    begin
        insert into dibs.registrations (customer_id, registered_by, partner_name, note, expires_at, max_until)
        values (p_customer, a.actor_id, p_partner, p_note, v_expires, now() + v_max);
    exception when unique_violation then
        -- Another registration committed a moment ago: it wins.
        select * into r from dibs.registrations where customer_id = p_customer and status = 'active';
        return dibs.result(false, 'protected_by', 'customer', p_customer, 'register', a.actor_id, null,
                           r.registered_by, r.starts_at, c.pool_id, jsonb_build_object('race', true));
    end;
    update dibs.customers set protected_until = v_expires, updated_at = now() where id = p_customer;
    perform dibs.log_ownership('customer', p_customer, 'register', true, 'ok', coalesce(a.caller_id, a.actor_id),
                               null, a.actor_id, c.pool_id, jsonb_build_object('until', v_expires,
                                                                                'partner', p_partner));
    return dibs.result(true, 'ok', 'customer', p_customer, 'register', a.actor_id, a.actor_id, null, now(),
                       c.pool_id, jsonb_build_object('until', v_expires));
end
$$;

-- Lock or unlock a lead or customer (manager/admin): locked records are not claimed by
-- others and not recycled.
create or replace function dibs.set_locked(p_entity dibs.entity_kind, p_id bigint, p_locked boolean,
                                p_for bigint default null) returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    a record;
    v_owner bigint;
    v_pool bigint;
    v_action dibs.ownership_action := case when p_locked then 'lock' else 'unlock' end;
begin
    a := dibs.resolve_actor(p_for);
    -- A lock names who locked it: a login without a dibs user must act as one (p_for).
    if a.refusal is not null or a.actor_id is null then
        return dibs.result(false, coalesce(a.refusal, 'unknown_user'), p_entity, p_id, v_action, a.caller_id, null);
    end if;
    if p_entity = 'lead' then
        select owner_id, pool_id into v_owner, v_pool from dibs.leads where id = p_id;
    else
        select owner_id, pool_id into v_owner, v_pool from dibs.customers where id = p_id and status = 'active';
    end if;
    if not found then
        return dibs.result(false, 'not_found', p_entity, p_id, v_action, a.actor_id, null);
    end if;
    -- A record nobody owns (released or recycled while locked) is its pool's: a manager of
    -- any member of the pool may unlock it, or it would stay stuck, claimable by nobody.
    if not (a.actor_role = 'admin'
            or (v_owner is not null and dibs.may_manage(a.actor_id, a.actor_role, v_owner))
            or (v_owner is null and a.actor_role = 'manager' and exists (
                    select 1 from dibs.pool_members m
                    where m.pool_id = v_pool
                      and (m.user_id = a.actor_id or dibs.may_manage(a.actor_id, a.actor_role, m.user_id))))) then
        return dibs.result(false, 'not_permitted', p_entity, p_id, v_action, a.actor_id, v_owner);
    end if;
    if p_entity = 'lead' then
        update dibs.leads set locked = p_locked, version = version + 1, updated_at = now() where id = p_id;
    else
        update dibs.customers set locked = p_locked, locked_by = case when p_locked then a.actor_id end,
                                  version = version + 1, updated_at = now()
        where id = p_id;
    end if;
    perform dibs.log_ownership(p_entity, p_id, v_action, true, 'ok', coalesce(a.caller_id, a.actor_id), v_owner,
                               v_owner, v_pool);
    return dibs.result(true, 'ok', p_entity, p_id, v_action, a.actor_id, v_owner);
end
$$;

-- 跟进: log a call/visit/message. Resets the recycle clock and extends the actor's
-- registration (never past its maximum).
create or replace function dibs.log_followup(p_entity dibs.entity_kind, p_id bigint, p_kind text, p_note text default null,
                                  p_contact bigint default null, p_for bigint default null) returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    a record;
    v_owner bigint;
    v_pool bigint;
    v_kind dibs.followup_kind;
    v_period interval;
begin
    a := dibs.resolve_actor(p_for);
    if a.refusal is not null or a.actor_id is null then
        return dibs.result(false, coalesce(a.refusal, 'unknown_user'), p_entity, p_id, 'followup', a.caller_id, null);
    end if;
    if p_kind is null or p_kind not in (select unnest(enum_range(null::dibs.followup_kind))::text)
       or length(p_note) > 4000 then
        return dibs.result(false, 'invalid_argument', p_entity, p_id, 'followup', a.actor_id, null);
    end if;
    v_kind := p_kind::dibs.followup_kind;
    if p_entity = 'lead' then
        select owner_id, pool_id into v_owner, v_pool from dibs.leads where id = p_id for update;
    else
        select owner_id, pool_id into v_owner, v_pool from dibs.customers where id = p_id and status = 'active'
        for update;
    end if;
    if not found then
        return dibs.result(false, 'not_found', p_entity, p_id, 'followup', a.actor_id, null);
    end if;
    if v_owner is distinct from a.actor_id then
        return dibs.result(false, 'not_owner', p_entity, p_id, 'followup', a.actor_id, v_owner, v_owner);
    end if;
    if p_entity = 'lead' then
        insert into dibs.followups (lead_id, user_id, kind, note) values (p_id, a.actor_id, v_kind, p_note);
        update dibs.leads set last_followup_at = now(), updated_at = now() where id = p_id;
    else
        if p_contact is not null and not exists (select 1 from dibs.contacts where id = p_contact
                                                 and customer_id = p_id) then
            return dibs.result(false, 'invalid_argument', p_entity, p_id, 'followup', a.actor_id, v_owner);
        end if;
        insert into dibs.followups (customer_id, contact_id, user_id, kind, note)
        values (p_id, p_contact, a.actor_id, v_kind, p_note);
        update dibs.customers set last_followup_at = now(), updated_at = now() where id = p_id;
        update dibs.contacts set last_touched_by = a.actor_id, last_touched_at = now() where id = p_contact;
        select coalesce(registration_period, '30 days') into v_period from dibs.pools where id = v_pool;
        -- Real activity extends the protection, up to the registration's maximum: a rep's own
        -- registration by the pool's period, a partner's (whoever of its people follows up,
        -- or a channel manager's 代报备 for it) by the partner's.
        with extended as (
            update dibs.registrations g
            set expires_at = least(g.max_until, greatest(g.expires_at, now() + coalesce(
                    case when g.partner_id is not null then (dibs.partner_terms(g.partner_id)).protection end,
                    v_period, '30 days')))
            where g.customer_id = p_id and g.status = 'active' and g.expires_at > now()
              and (g.registered_by = a.actor_id
                   or (g.partner_id is not null
                       and g.partner_id = (select u.partner_id from dibs.users u where u.id = a.actor_id)))
            returning g.expires_at)
        update dibs.customers set protected_until = (select expires_at from extended)
        where id = p_id and exists (select 1 from extended);
    end if;
    return dibs.result(true, 'ok', p_entity, p_id, 'followup', a.actor_id, v_owner);
end
$$;

-- Convert a lead into a customer: link to `p_customer`, or create one from the lead. The
-- customer ends up owned by the converting rep (claimed under the customer pool's rules).
create or replace function dibs.convert_lead(p_lead bigint, p_customer bigint default null, p_for bigint default null)
returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    a record;
    l dibs.leads;
    c dibs.customers;
    v_pool bigint;
    v_customer bigint := p_customer;
    v_hook record;
    v_held integer;
    v_limit integer;
    v_claim dibs.outcome;
    v_existing record;
begin
    a := dibs.resolve_actor(p_for);
    if a.refusal is not null or a.actor_id is null then
        return dibs.result(false, coalesce(a.refusal, 'unknown_user'), 'lead', p_lead, 'convert', a.caller_id, null);
    end if;
    select * into l from dibs.leads where id = p_lead for update;
    if l.id is null then
        return dibs.result(false, 'not_found', 'lead', p_lead, 'convert', a.actor_id, null);
    end if;
    if l.owner_id is distinct from a.actor_id then
        return dibs.result(false, 'not_owner', 'lead', p_lead, 'convert', a.actor_id, l.owner_id, l.owner_id,
                           l.owned_since, l.pool_id);
    end if;
    if l.status <> 'working' then
        return dibs.result(false, 'not_claimable', 'lead', p_lead, 'convert', a.actor_id, l.owner_id, null, null,
                           l.pool_id, jsonb_build_object('status', l.status));
    end if;
    if v_customer is not null then
        select * into c from dibs.customers where id = v_customer and status = 'active';
        if c.id is null then
            return dibs.result(false, 'not_found', 'customer', v_customer, 'convert', a.actor_id, null);
        end if;
        if c.owner_id is null then
            v_claim := dibs.claim_customer(v_customer, p_for, 'convert');
            if not v_claim.ok then
                return v_claim;
            end if;
        elsif c.owner_id <> a.actor_id then
            -- Converting into someone else's customer is exactly the collision dibs exists to stop.
            return dibs.result(false, 'already_owned_by', 'customer', v_customer, 'convert', a.actor_id, c.owner_id,
                               c.owner_id, c.owned_since, c.pool_id);
        end if;
    else
        -- The company is a customer already: convert into that one, never beside it (I7).
        select x.id, x.name into v_existing from dibs.customers x
        where x.company_id = l.company_id and x.status = 'active'
        order by x.owner_id = a.actor_id desc nulls last, x.id limit 1;
        if v_existing.id is not null then
            return dibs.result(false, 'company_has_customer', 'lead', p_lead, 'convert', a.actor_id, l.owner_id,
                               null, null, l.pool_id,
                               jsonb_build_object('existing_customer', v_existing.id,
                                                  'existing_name', v_existing.name));
        end if;
        v_hook := dibs.before_customer_create(l.company_name, l.uscc, l.phone_e164, l.email_domain);
        if v_hook.blocked then
            return dibs.result(false, v_hook.reason, 'lead', p_lead, 'convert', a.actor_id, l.owner_id, null, null,
                               l.pool_id, jsonb_build_object('existing_customer', v_hook.existing_id));
        end if;
        select id into v_pool from dibs.pools where kind = 'customer' order by id limit 1;
        perform dibs.lock_rep(a.actor_id);
        v_held := dibs.customer_holdings(v_pool, a.actor_id);
        v_limit := coalesce(dibs.effective_limit(v_pool, a.actor_id), 2147483647);
        if v_held >= v_limit then
            return dibs.result(false, 'over_limit', 'lead', p_lead, 'convert', a.actor_id, l.owner_id, null, null,
                               v_pool, jsonb_build_object('held', v_held, 'limit', v_limit));
        end if;
        insert into dibs.customers (name, name_basic, name_core, uscc, phone, phone_e164, email_domain, region,
                                    industry, source, pool_id, owner_id, team_id, owned_since, created_by)
        values (l.company_name, l.name_basic, l.name_core, l.uscc, l.phone, l.phone_e164, l.email_domain, l.region,
                l.industry, coalesce(l.source, 'lead'), v_pool, a.actor_id,
                (select team_id from dibs.users where id = a.actor_id), now(), a.actor_id)
        returning id into v_customer;
        perform dibs.log_ownership('customer', v_customer, 'convert', true, 'ok', coalesce(a.caller_id, a.actor_id),
                                   null, a.actor_id, v_pool, jsonb_build_object('lead', p_lead));
    end if;
    update dibs.leads set status = 'converted', customer_id = v_customer, converted_at = now(),
                          version = version + 1, updated_at = now()
    where id = p_lead;
    perform dibs.log_ownership('lead', p_lead, 'convert', true, 'ok', coalesce(a.caller_id, a.actor_id),
                               l.owner_id, l.owner_id, l.pool_id, jsonb_build_object('customer', v_customer));
    return dibs.result(true, 'ok', 'lead', p_lead, 'convert', a.actor_id, a.actor_id, null, null, l.pool_id,
                       jsonb_build_object('customer', v_customer));
end
$$;

-- Merge the ownership of two customers: `p_drop` becomes part of `p_keep`. The kept record
-- keeps its owner, or inherits the dropped one's (whose holding is freed at the same time).
create or replace function dibs.merge_customer_ownership(p_keep bigint, p_drop bigint, p_for bigint default null)
returns dibs.outcome
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    a record;
    k dibs.customers;
    d dibs.customers;
    v_owner bigint;
begin
    a := dibs.resolve_actor(p_for);
    if a.refusal is not null or a.actor_role is null then
        return dibs.result(false, coalesce(a.refusal, 'unknown_user'), 'customer', p_drop, 'merge', a.caller_id, null);
    end if;
    if p_keep = p_drop then
        return dibs.result(false, 'invalid_argument', 'customer', p_drop, 'merge', a.actor_id, null);
    end if;
    -- Lock both rows in id order so two merges of the same pair cannot deadlock.
    perform 1 from dibs.customers where id in (p_keep, p_drop) order by id for update;
    select * into k from dibs.customers where id = p_keep and status = 'active';
    select * into d from dibs.customers where id = p_drop and status = 'active';
    if k.id is null or d.id is null then
        return dibs.result(false, 'not_found', 'customer', coalesce(k.id, p_keep), 'merge', a.actor_id, null);
    end if;
    if not ((a.actor_role = 'admin')
            or ((k.owner_id is null or k.owner_id = a.actor_id or dibs.may_manage(a.actor_id, a.actor_role, k.owner_id))
                and (d.owner_id is null or d.owner_id = a.actor_id or dibs.may_manage(a.actor_id, a.actor_role, d.owner_id)))) then
        return dibs.result(false, 'not_permitted', 'customer', p_drop, 'merge', a.actor_id, d.owner_id, d.owner_id);
    end if;
    v_owner := coalesce(k.owner_id, d.owner_id);
    update dibs.customers set status = 'merged', merged_into = p_keep, owner_id = null, owned_since = null,
                              protected_until = null, version = version + 1, updated_at = now()
    where id = p_drop;
    if k.owner_id is null and d.owner_id is not null then
        update dibs.customers set owner_id = d.owner_id, owned_since = now(), team_id = d.team_id,
                                  version = version + 1, updated_at = now()
        where id = p_keep;
    end if;
    update dibs.registrations set status = 'cancelled' where customer_id = p_drop and status = 'active';
    -- Two records merged are one company: their companies become one.
    if d.company_id is distinct from k.company_id and d.company_id is not null and k.company_id is not null then
        update dibs.customers set company_id = k.company_id where company_id = d.company_id;
        update dibs.leads set company_id = k.company_id where company_id = d.company_id;
    end if;
    perform dibs.log_ownership('customer', p_drop, 'merge', true, 'ok', coalesce(a.caller_id, a.actor_id),
                               d.owner_id, null, d.pool_id, jsonb_build_object('merged_into', p_keep));
    perform dibs.log_ownership('customer', p_keep, 'merge', true, 'ok', coalesce(a.caller_id, a.actor_id),
                               k.owner_id, v_owner, k.pool_id, jsonb_build_object('absorbed', p_drop));
    return dibs.result(true, 'ok', 'customer', p_keep, 'merge', a.actor_id, v_owner, d.owner_id);
end
$$;

-- ---------------------------------------------------------------- sweeps (worker)
-- Why a lead is due for recycling now, or null.
create or replace function dibs.recycle_reason(l dibs.leads, p dibs.pools) returns text
language sql stable as $$
    select case
        when l.owner_id is null or l.status <> 'working' or l.locked then null
        when p.recycle_after_unconverted is not null and l.owned_since < now() - p.recycle_after_unconverted
            then 'unconverted'
        when p.recycle_after_idle is not null and coalesce(l.last_followup_at, l.owned_since) < now() - p.recycle_after_idle
            then 'idle'
    end
$$;

-- Due leads, oldest first, for the preview and the sweep.
create or replace function dibs.recycle_candidates(p_limit integer)
returns table (lead_id bigint, pool_id bigint, owner_id bigint, reason text, owned_since timestamptz,
               last_followup_at timestamptz)
language sql stable security definer set search_path = dibs, pg_temp as $$
    select l.id, l.pool_id, l.owner_id, dibs.recycle_reason(l, p), l.owned_since, l.last_followup_at
    from dibs.pools p
    cross join lateral (
        select * from dibs.leads l
        where l.pool_id = p.id and l.owner_id is not null and l.status = 'working'
          and ((p.recycle_after_idle is not null and coalesce(l.last_followup_at, l.owned_since) < now() - p.recycle_after_idle)
            or (p.recycle_after_unconverted is not null and l.owned_since < now() - p.recycle_after_unconverted))
          and not l.locked
        limit p_limit) l
    where p.kind = 'lead'
    limit p_limit
$$;

-- Recycles (回收) up to `p_batch` due leads or customers in one short transaction: held, not
-- locked, not protected (I4), idle past the pool's `recycle_after_idle` (leads also: held past
-- `recycle_after_unconverted`). Rows another session holds (a claim, a follow-up being logged)
-- are skipped, not waited for, so claims are never blocked for long; a skipped row is taken by
-- the next batch if still due. Rows are taken in id order, so two sweeps lock in one order.
-- One implementation for both entities; every recycled record gets one log row with its
-- reason, previous owner and pool.
create or replace function dibs.recycle(p_entity dibs.entity_kind, p_batch integer) returns integer
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_count integer;
begin
    if p_entity = 'lead' then
        with due as (
            select l.id, l.owner_id, l.pool_id, dibs.recycle_reason(l, p) as reason
            from dibs.leads l join dibs.pools p on p.id = l.pool_id
            where l.id in (select lead_id from dibs.recycle_candidates(p_batch))
            order by l.id
            for update of l skip locked
        ), recycled as (
            update dibs.leads l set owner_id = null, owned_since = null, status = 'new', version = l.version + 1,
                                    updated_at = now(), assign_attempted_at = now(), assign_note = 'recycled'
            from due where l.id = due.id and due.reason is not null
            returning l.id, due.owner_id, due.pool_id, due.reason
        ), logged as (
            insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, from_owner, pool_id)
            select 'lead', id, 'recycle', 'ok', reason, owner_id, pool_id from recycled
            returning 1
        )
        select count(*) into v_count from logged;
    else
        with due as (
            select c.id, c.owner_id, c.pool_id
            from dibs.customers c join dibs.pools p on p.id = c.pool_id
            where c.owner_id is not null and c.status = 'active' and not c.locked
              and (c.protected_until is null or c.protected_until <= now())
              and p.recycle_after_idle is not null
              and coalesce(c.last_followup_at, c.owned_since) < now() - p.recycle_after_idle
              and not exists (select 1 from dibs.registrations r where r.customer_id = c.id and r.status = 'active'
                              and r.expires_at > now())
            order by c.id
            limit p_batch
            for update of c skip locked
        ), recycled as (
            update dibs.customers c set owner_id = null, owned_since = null, team_id = null,
                                        version = c.version + 1, updated_at = now()
            from due where c.id = due.id
            returning c.id, due.owner_id, due.pool_id
        ), logged as (
            insert into dibs.ownership_log (entity, entity_id, action, outcome, reason, from_owner, pool_id)
            select 'customer', id, 'recycle', 'ok', 'idle', owner_id, pool_id from recycled
            returning 1
        )
        select count(*) into v_count from logged;
    end if;
    return v_count;
end
$$;

create or replace function dibs.recycle_leads(p_batch integer default 500) returns integer
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
begin
    return dibs.recycle('lead', p_batch);
end
$$;

create or replace function dibs.recycle_customers(p_batch integer default 500) returns integer
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
begin
    return dibs.recycle('customer', p_batch);
end
$$;

create or replace function dibs.expire_registrations(p_batch integer default 500) returns integer
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    g record;
    v_count integer := 0;
begin
    -- One at a time through end_registration: a partner's registration takes its hold on the
    -- customer with it (sql/code/85_partners.sql); a rep's ends its protection only.
    for g in
        select id from dibs.registrations
        where status = 'active' and expires_at <= now()
        limit p_batch for update skip locked
    loop
        perform dibs.end_registration(g.id, 'expired');
        v_count := v_count + 1;
    end loop;
    return v_count;
end
$$;

-- Reminders for owners whose leads will be recycled within the pool's reminder window.
create or replace function dibs.send_recycle_reminders(p_batch integer default 1000) returns integer
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_count integer;
begin
    with soon as (
        select l.id, l.owner_id,
               least(case when p.recycle_after_idle is not null
                          then coalesce(l.last_followup_at, l.owned_since) + p.recycle_after_idle end,
                     case when p.recycle_after_unconverted is not null
                          then l.owned_since + p.recycle_after_unconverted end) as due_at,
               p.remind_before
        from dibs.leads l join dibs.pools p on p.id = l.pool_id
        where l.owner_id is not null and l.status = 'working' and not l.locked and p.kind = 'lead'
    ), inserted as (
        insert into dibs.notices (user_id, entity, entity_id, kind, due_at)
        select owner_id, 'lead', id, 'recycle_soon', due_at from soon
        where due_at is not null and due_at > now() and due_at <= now() + remind_before
          -- Only reminders not sent yet, so a batch is never filled by ones already there
          -- (the sweep drains until a batch inserts nothing).
          and not exists (select 1 from dibs.notices n
                          where n.user_id = soon.owner_id and n.entity = 'lead' and n.entity_id = soon.id
                            and n.kind = 'recycle_soon' and n.due_at = soon.due_at)
        -- One order for every sweep: two sweeps inserting the same notices in different
        -- orders deadlocked on the unique index.
        order by id
        limit p_batch
        on conflict do nothing
        returning 1
    )
    select count(*) into v_count from inserted;
    return v_count;
end
$$;

-- ---------------------------------------------------------------- auto-assignment
-- The rule that matches a lead (first by position), or null.
create or replace function dibs.matching_rule(l dibs.leads) returns dibs.assignment_rules
language plpgsql stable as $$
declare
    v_rule dibs.assignment_rules;
begin
    select r.* into v_rule from dibs.assignment_rules r
    where r.pool_id = l.pool_id and r.enabled
      and (r.regions is null or l.region = any (r.regions))
      and (r.industries is null or l.industry = any (r.industries))
      and (r.product_lines is null or l.product_line = any (r.product_lines))
      and (r.sources is null or l.source = any (r.sources))
      and (r.channels is null or l.channel = any (r.channels))
    order by r.position, r.id
    limit 1;
    return v_rule;
end
$$;

-- Candidates for a rule in the order its strategy tries them, with their load.
create or replace function dibs.rule_candidates(r dibs.assignment_rules)
returns table (user_id bigint, held integer, holding_limit integer)
language sql stable as $$
    with members as (
        select m.user_id, m.weight, dibs.lead_holdings(r.pool_id, m.user_id) as held,
               coalesce(m.holding_limit, p.holding_limit) as holding_limit
        from dibs.pool_members m join dibs.users u on u.id = m.user_id join dibs.pools p on p.id = m.pool_id
        where m.pool_id = r.pool_id and u.active
          and (r.target_team_id is null or u.team_id = r.target_team_id)
          and (r.target_users is null or m.user_id = any (r.target_users))
    ), cursor as (
        select coalesce((select last_user_id from dibs.assignment_cursor where rule_id = r.id), 0) as last_user
    )
    select user_id, held, holding_limit from members, cursor
    order by
        case r.strategy
            when 'round_robin' then (case when user_id > cursor.last_user then 0 else 1 end)::float8
            when 'least_loaded' then held::float8
            else held::float8 / weight
        end,
        user_id
$$;

-- Who would get this lead, and why (read-only; the preview uses it).
create or replace function dibs.pick_assignee(p_lead bigint, out user_id bigint, out rule_id bigint, out note text)
language plpgsql stable security definer set search_path = dibs, pg_temp as $$
declare
    l dibs.leads;
    r dibs.assignment_rules;
    h record;
begin
    select * into l from dibs.leads where id = p_lead;
    if l.company_id is not null then
        h := dibs.company_holder(l.company_id, 'lead', l.id, 0);
        if h.holder is not null then
            -- The auto-assigner sends it to whoever holds the company, or leaves it to a manager.
            user_id := h.holder;
            note := case when dibs.is_member(l.pool_id, h.holder)
                           and dibs.lead_holdings(l.pool_id, h.holder)
                               < coalesce(dibs.effective_limit(l.pool_id, h.holder), 2147483647)
                         then 'company_owner' else 'company_held' end;
            return;
        end if;
    end if;
    r := dibs.matching_rule(l);
    if r.id is null then
        note := 'no_rule';
        return;
    end if;
    rule_id := r.id;
    select c.user_id into user_id from dibs.rule_candidates(r) c where c.held < c.holding_limit limit 1;
    note := case when user_id is null then 'nobody_eligible' else r.strategy end;
end
$$;

-- Assigns up to `p_batch` new leads by their pool's rules. Each candidate's lock is taken
-- before its holdings are counted again, so the assigner never pushes anyone past a limit
-- even while that rep claims in another session.
create or replace function dibs.auto_assign(p_batch integer default 200) returns integer
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    l dibs.leads;
    r dibs.assignment_rules;
    c record;
    h record;
    v_assigned integer := 0;
    v_done boolean;
begin
    for l in
        select * from dibs.leads
        where status = 'new' and owner_id is null and assign_attempted_at is null and not locked
        order by id limit p_batch
        for update skip locked
    loop
        -- A company someone holds goes to them (I7), never to a rule's pick.
        if l.company_id is not null then
            -- Busy company (a claim holds its lock and may wait for this row): next round.
            continue when not dibs.try_lock_company(l.company_id);
            h := dibs.company_holder(l.company_id, 'lead', l.id, 0);
            if h.holder is not null then
                -- Held by two people already (a collision older than the rules): nobody gets
                -- more of it automatically; a manager settles it.
                if dibs.is_member(l.pool_id, h.holder)
                   and (select o.holder from dibs.company_holder(l.company_id, 'lead', l.id, h.holder) o) is null
                   and dibs.try_lock_rep(h.holder)
                   and dibs.lead_holdings(l.pool_id, h.holder)
                       < coalesce(dibs.effective_limit(l.pool_id, h.holder), 2147483647) then
                    update dibs.leads set owner_id = h.holder, owned_since = now(), status = 'working',
                                          assign_attempted_at = now(), assign_note = 'company_owner',
                                          version = version + 1, updated_at = now()
                    where id = l.id and owner_id is null and status = 'new';
                    perform dibs.log_ownership('lead', l.id, 'auto_assign', true, 'company_owner', null, null,
                                               h.holder, l.pool_id,
                                               dibs.company_refusal(l.company_id, h.holder, h.record_entity, h.record_id, h.record_name, h.mode, false));
                    v_assigned := v_assigned + 1;
                else
                    -- The holder cannot take it (not in the pool, at the limit, busy): a manager decides.
                    update dibs.leads set assign_attempted_at = now(), assign_note = 'company_held' where id = l.id;
                    perform dibs.log_ownership('lead', l.id, 'auto_assign', false, 'company_held', null, null, null,
                                               l.pool_id, dibs.company_refusal(l.company_id, h.holder, h.record_entity, h.record_id, h.record_name, h.mode, false)
                                                          || jsonb_build_object('other', h.holder));
                end if;
                continue;
            end if;
        end if;
        r := dibs.matching_rule(l);
        if r.id is null then
            update dibs.leads set assign_attempted_at = now(), assign_note = 'no_rule' where id = l.id;
            continue;
        end if;
        v_done := false;
        for c in select * from dibs.rule_candidates(r) loop
            continue when c.held >= c.holding_limit;
            continue when not dibs.try_lock_rep(c.user_id);
            continue when dibs.lead_holdings(l.pool_id, c.user_id) >= c.holding_limit;
            update dibs.leads set owner_id = c.user_id, owned_since = now(), status = 'working',
                                  assign_attempted_at = now(), assign_note = r.strategy,
                                  version = version + 1, updated_at = now()
            where id = l.id and owner_id is null and status = 'new';
            perform dibs.log_ownership('lead', l.id, 'auto_assign', true, r.strategy, null, null, c.user_id,
                                       l.pool_id, jsonb_build_object('rule', r.id));
            insert into dibs.assignment_cursor (rule_id, last_user_id) values (r.id, c.user_id)
            on conflict (rule_id) do update set last_user_id = excluded.last_user_id;
            v_assigned := v_assigned + 1;
            v_done := true;
            exit;
        end loop;
        if not v_done then
            update dibs.leads set assign_attempted_at = now(), assign_note = 'nobody_eligible' where id = l.id;
            perform dibs.log_ownership('lead', l.id, 'auto_assign', false, 'nobody_eligible', null, null, null,
                                       l.pool_id, jsonb_build_object('rule', r.id));
        end if;
    end loop;
    return v_assigned;
end
$$;

-- ---------------------------------------------------------------- live events
-- The transaction id below which every transaction that could have written here has ended:
-- the oldest transaction running at this snapshot, leaving out those running in other
-- databases of the cluster (they cannot write rows here). A snapshot's xmin alone would let a
-- long transaction anywhere on the server — a big seed or import in another database — hold
-- back everyone's live events for as long as it runs. An xid never changes database, so one
-- seen in another database's session is safely left out; one not seen anywhere (it ended, or
-- it is a prepared transaction) is kept, which only ever waits longer. Under READ COMMITTED the
-- caller's next statement sees everything below it that committed.
create or replace function dibs.event_horizon() returns bigint
language sql volatile as $$
    with s as (select pg_current_snapshot() as snap),
    elsewhere as (
        select a.backend_xid::text::bigint as low from pg_stat_activity a
        where a.backend_xid is not null and a.datname is distinct from current_database()
    )
    select least(pg_snapshot_xmax(s.snap)::text::bigint,
                 (select min(x::text::bigint) from pg_snapshot_xip(s.snap) x
                  where x::text::bigint % 4294967296 not in (select low from elsewhere)))
    from s
$$;

-- Publishes log rows and notices committed since the last call, as few NOTIFYs as possible.
-- Rows are taken by transaction id below the event horizon (above), so a row whose
-- transaction commits late is never skipped. Payloads carry ids and kinds only: any role may
-- LISTEN, so a client re-reads what it shows under its own rights.
create or replace function dibs.publish_events(p_max integer default 5000) returns integer
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_horizon bigint := dibs.event_horizon();
    cur dibs.event_cursor;
    v_payload text := '';
    v_count integer := 0;
    v_last_xid bigint;
    v_last_id bigint;
    ev record;
    v_item text;
begin
    select * into cur from dibs.event_cursor for update;
    v_last_xid := cur.last_xid;
    v_last_id := cur.last_id;
    for ev in
        select g.xid, g.id, g.entity, g.entity_id, g.action, g.outcome from dibs.ownership_log g
        where g.xid >= cur.last_xid and (g.xid, g.id) > (cur.last_xid, cur.last_id) and g.xid < v_horizon
        order by g.xid, g.id limit p_max
    loop
        -- Refusals change nothing on anyone's screen; they are counted, not broadcast.
        if ev.outcome = 'ok' then
            v_item := format('["%s",%s,"%s",%s]', left(ev.entity::text, 1), ev.entity_id, ev.action, ev.id);
            if length(v_payload) + length(v_item) > 7900 then
                perform pg_notify('dibs_events', '[' || v_payload || ']');
                v_payload := '';
            end if;
            v_payload := v_payload || case when v_payload = '' then '' else ',' end || v_item;
            v_count := v_count + 1;
        end if;
        v_last_xid := ev.xid;
        v_last_id := ev.id;
    end loop;
    if v_payload <> '' then
        perform pg_notify('dibs_events', '[' || v_payload || ']');
    end if;
    for ev in
        select n.xid, n.id, n.user_id, n.entity, n.entity_id, n.kind from dibs.notices n
        where (n.xid, n.id) > (cur.last_notice_xid, cur.last_notice_id) and n.xid < v_horizon
        order by n.xid, n.id limit p_max
    loop
        perform pg_notify('dibs_notices', format('["%s",%s,"%s",%s]', left(ev.entity::text, 1), ev.entity_id,
                                                 ev.kind, ev.user_id));
        cur.last_notice_xid := ev.xid;
        cur.last_notice_id := ev.id;
        v_count := v_count + 1;
    end loop;
    update dibs.event_cursor set last_xid = v_last_xid, last_id = v_last_id,
                                 last_notice_xid = cur.last_notice_xid, last_notice_id = cur.last_notice_id;
    return v_count;
end
$$;
