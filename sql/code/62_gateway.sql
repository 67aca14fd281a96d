-- requires: 0013
-- Signing in for the gateway login (migration 13): a rep, on their own login, receives a
-- random ticket; the app then sends its work through the shared gateway login, setting the
-- ticket in each transaction, and dibs.caller_login() answers the rep for it.

-- A new ticket for the caller's own login (never one taken from a ticket: a ticket cannot
-- mint another, so a leaked one dies with its expiry). Reps only: the gateway has a rep's
-- privileges, and anyone else's work needs grants it does not have. Expired tickets of the
-- login are cleared on the way. The ticket is 244 random bits (two gen_random_uuid(), drawn
-- from the server's strong random source); only its sha256 is stored.
create or replace function dibs.issue_ticket(p_hours integer default 12) returns text
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_ticket text;
begin
    if coalesce(current_setting('dibs.ticket', true), '') <> '' then
        raise exception 'a ticket cannot be issued on a ticket: sign in on your own login'
            using errcode = '28000';
    end if;
    if p_hours is null or p_hours not between 1 and 168 then
        raise exception 'a ticket lasts between 1 and 168 hours' using errcode = '22023';
    end if;
    if not exists (select 1 from dibs.users where login_role = session_user and active and role = 'rep') then
        raise exception 'only an active rep signs in through the gateway (managers, admins and partners use their own login)'
            using errcode = '42501';
    end if;
    delete from dibs.tickets where login = session_user and expires_at <= now();
    v_ticket := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
    insert into dibs.tickets (digest, login, expires_at)
    values (sha256(convert_to(v_ticket, 'UTF8')), session_user, now() + make_interval(hours => p_hours));
    return v_ticket;
end
$$;

-- Signs the caller out of the gateway everywhere (every ticket of their login). On the gateway
-- itself this is the ticket's person: a rep who lost a laptop can end its ticket from another.
create or replace function dibs.revoke_my_tickets() returns integer
language plpgsql volatile security definer set search_path = dibs, pg_temp as $$
declare
    v_gone integer;
begin
    delete from dibs.tickets where login = dibs.caller_login();
    get diagnostics v_gone = row_count;
    return v_gone;
end
$$;
