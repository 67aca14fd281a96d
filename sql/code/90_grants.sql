-- requires: 0013
-- Privileges in their final form. Applied after every other code file whenever code or schema
-- changes, so they converge: what is written here is what the database grants.
--
-- Clients change data only through SECURITY DEFINER functions (I1): no client role, admins
-- included, has INSERT/UPDATE/DELETE on any table. Reading is by row-level security (the
-- policies live in the migrations) and, for contact columns, through the masking views.

revoke create on schema public from public;
revoke all on schema dibs from public;
grant usage on schema dibs to dibs_viewer, dibs_rep, dibs_manager, dibs_admin, dibs_partner;

-- Every dibs function is private to its owner unless granted below (extension functions such
-- as pg_trgm's keep their own grants).
create or replace function dibs.lock_down_functions() returns void
language plpgsql as $$
declare
    f regprocedure;
begin
    for f in
        select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'dibs'
          and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
    loop
        execute format('revoke all on function %s from public', f);
    end loop;
end
$$;
select dibs.lock_down_functions();

-- ---------------------------------------------------------------- tables and views
-- No direct writes, for anyone: whatever an earlier version granted is taken back here.
revoke insert, update, delete, truncate, references, trigger on all tables in schema dibs
    from dibs_viewer, dibs_rep, dibs_manager, dibs_admin;
-- Partners' people read only these, each cut by row-level security to their own partner
-- (migration 11); everything else of theirs comes through the partner functions below.
revoke all on all tables in schema dibs from dibs_partner;
grant select on
    dibs.schema_migrations, dibs.schema_code, dibs.teams, dibs.users, dibs.pools, dibs.pool_members,
    dibs.opportunity_stages, dibs.opportunities, dibs.followups, dibs.registrations, dibs.dedup_rules,
    dibs.ownership_log, dibs.daily_claims, dibs.assignment_rules, dibs.assignment_cursor, dibs.notices,
    dibs.event_cursor, dibs.free_mail_domains, dibs.dedup_decisions, dibs.drafts, dibs.customer_merges,
    dibs.settings, dibs.user_scopes, dibs.audit_log, dibs.opportunity_log,
    dibs.lex_places, dibs.lex_industries, dibs.lex_pinyin, dibs.lex_generic_en,
    dibs.companies, dibs.company_rules, dibs.company_overrides,
    dibs.partner_tiers, dibs.partners, dibs.partner_reviews, dibs.partner_checks,
    dibs.customer_aliases
to dibs_viewer, dibs_rep, dibs_manager, dibs_admin;
grant select on dibs.registrations, dibs.followups, dibs.partners, dibs.partner_tiers,
    dibs.schema_migrations, dibs.schema_code, dibs.user_scopes to dibs_partner;

-- Contact columns (phone, phone_e164, email) of leads, customers and contacts are readable by
-- admins only; everyone else reads them masked through the views below. A column added by a
-- later migration is covered the next time this file is applied (it is, after every migration).
revoke select on dibs.leads, dibs.customers, dibs.contacts from dibs_rep, dibs_manager, dibs_viewer;
grant select on dibs.leads, dibs.customers, dibs.contacts to dibs_admin;
do $$
declare
    t text;
    cols text;
begin
    foreach t in array array['leads', 'customers', 'contacts'] loop
        select string_agg(quote_ident(attname), ', ' order by attnum) into cols
        from pg_attribute
        where attrelid = ('dibs.' || t)::regclass and attnum > 0 and not attisdropped
          and attname not in ('phone', 'phone_e164', 'email');
        execute format('grant select (%s) on dibs.%I to dibs_rep, dibs_manager, dibs_viewer', cols, t);
    end loop;
    -- Partners: their own customers (row-level security), without contact columns.
    select string_agg(quote_ident(attname), ', ' order by attnum) into cols
    from pg_attribute
    where attrelid = 'dibs.customers'::regclass and attnum > 0 and not attisdropped
      and attname not in ('phone', 'phone_e164', 'email');
    execute format('grant select (%s) on dibs.customers to dibs_partner', cols);
end
$$;
grant select on dibs.lead_contacts, dibs.customer_contacts, dibs.contact_details
to dibs_rep, dibs_manager, dibs_viewer, dibs_admin;

-- ---------------------------------------------------------------- functions
-- Reading helpers every role needs (the policies and views call them).
grant execute on function
    dibs.uscc_is_valid(text),
    dibs.my_scope(), dibs.my_id(), dibs.my_role(), dibs.sees_everything(), dibs.my_team_scope(), dibs.my_scope_users(),
    dibs.my_unmasked_users(), dibs.my_pools(), dibs.contacts_unmasked(bigint),
    dibs.mask_phone(text), dibs.mask_email(text), dibs.my_figures(), dibs.company_holder_name(bigint),
    dibs.my_partner(), dibs.caller_login()
to dibs_viewer, dibs_rep, dibs_manager, dibs_admin;
-- Signing in for the gateway, and out of it (sql/code/62_gateway.sql): the functions
-- themselves refuse anyone but an active rep.
grant execute on function dibs.issue_ticket(integer), dibs.revoke_my_tickets() to dibs_rep;

-- Ownership: each function checks who may do what and logs refusals.
grant execute on function
    dibs.claim(dibs.entity_kind, bigint, bigint, dibs.ownership_action, text),
    dibs.release(dibs.entity_kind, bigint, bigint),
    dibs.claim_lead(bigint, bigint, text),
    dibs.release_lead(bigint, bigint),
    dibs.assign_lead(bigint, bigint, bigint),
    dibs.transfer_lead(bigint, bigint, bigint),
    dibs.claim_customer(bigint, bigint, dibs.ownership_action, text),
    dibs.company_collisions(),
    dibs.same_company(dibs.entity_kind, bigint),
    dibs.release_customer(bigint, bigint),
    dibs.transfer_customer(bigint, bigint, bigint, dibs.ownership_action),
    dibs.register_customer(bigint, text, text, bigint),
    dibs.set_locked(dibs.entity_kind, bigint, boolean, bigint),
    dibs.log_followup(dibs.entity_kind, bigint, text, text, bigint, bigint),
    dibs.convert_lead(bigint, bigint, bigint),
    dibs.merge_customer_ownership(bigint, bigint, bigint),
    dibs.pick_assignee(bigint)
to dibs_rep, dibs_manager, dibs_admin;

-- Sweeps and the event notifier: the worker runs them as an admin.
grant execute on function
    dibs.recycle_leads(integer), dibs.recycle_customers(integer), dibs.expire_registrations(integer),
    dibs.send_recycle_reminders(integer), dibs.auto_assign(integer), dibs.publish_events(integer),
    dibs.purge_claim_counters(integer),
    dibs.recycle_candidates(integer), dibs.roll_up_analytics(integer), dibs.rebuild_analytics()
to dibs_admin;

-- Collision analytics: the rollups are granted to nobody; these cut them to the caller's scope.
grant execute on function
    dibs.collision_figures(date, date, bigint), dibs.collision_breakdown(date, date, text, bigint),
    dibs.analytics_summary(date, date, bigint), dibs.refusal_reasons(date, date, bigint),
    dibs.rep_figures(date, date), dibs.contested_companies(date, date, integer, bigint),
    dibs.analytics_lag(), dibs.org_time_zone(), dibs.first_followup(date, date, bigint),
    dibs.conversion_cohorts(date, date, bigint)
to dibs_viewer, dibs_rep, dibs_manager, dibs_admin;

-- The duplicate check (the unrestricted candidate search stays private: the public one
-- withholds others' phones and domains), creating customers, drafts.
grant execute on function
    dibs.dedup_candidates(text, text, text, text, text, integer),
    dibs.create_customer(text, text, text, text, text, text, bigint, text, bigint),
    dibs.name_basic(text), dibs.name_core(text), dibs.phone_e164(text), dibs.company_domain(text),
    dibs.to_simplified(text),
    dibs.touch_draft(text, text), dibs.clear_draft(text)
to dibs_rep, dibs_manager, dibs_admin;
grant execute on function dibs.merge_customers(bigint, bigint, bigint), dibs.unmerge_customers(bigint, bigint)
    to dibs_manager, dibs_admin;
-- Names a customer is also known as: read by whoever sees it; added through the checked
-- function (callable by all, so a refusal is recorded).
grant execute on function dibs.aliases_of(bigint) to dibs_viewer, dibs_rep, dibs_manager, dibs_admin;
grant execute on function dibs.alias_add(bigint, text, text)
    to dibs_viewer, dibs_rep, dibs_manager, dibs_admin;
-- A manager's assignment preview says which leads belong to companies someone else holds.
grant execute on function dibs.company_holder(bigint, dibs.entity_kind, bigint, bigint, bigint)
    to dibs_manager, dibs_admin;

-- Administration functions are callable by every person so that an attempt by someone not
-- allowed is refused *and recorded* (a missing privilege would fail without a trace).
grant execute on function
    dibs.user_set_limit(bigint, bigint, integer),
    dibs.user_add(text, text, text, bigint, text, text), dibs.user_set_role(bigint, text),
    dibs.user_set_team(bigint, bigint), dibs.user_disable(bigint), dibs.user_holdings(bigint),
    dibs.set_dedup_rule(bigint, boolean, numeric, numeric, text),
    dibs.set_company_rule(text, text)
to dibs_rep, dibs_manager, dibs_admin;

-- The board, the tree and repairs.
grant execute on function
    dibs.move_opportunity(bigint, smallint, integer, text),
    dibs.reparent_customer(bigint, bigint),
    dibs.customer_children(bigint, integer),
    dibs.customer_node(bigint),
    dibs.customer_root(bigint),
    dibs.customer_path(bigint),
    dibs.transfer_all_preview(bigint, bigint),
    dibs.transfer_all(bigint, bigint, text),
    dibs.undo_transfer(bigint, text)
to dibs_rep, dibs_manager, dibs_admin;
grant execute on function dibs.customer_children(bigint, integer), dibs.customer_node(bigint),
    dibs.customer_root(bigint), dibs.customer_path(bigint) to dibs_viewer;
grant execute on function
    dibs.move_opportunity(bigint, smallint, integer, text),
    dibs.reparent_customer(bigint, bigint)
to dibs_viewer;

-- Channel partners. A partner's person: the reading helpers the policies call, their own
-- registrations, the availability check, registering and following up — nothing else.
grant execute on function
    dibs.my_scope(), dibs.my_id(), dibs.my_role(), dibs.sees_everything(), dibs.my_team_scope(),
    dibs.my_scope_users(), dibs.my_unmasked_users(), dibs.my_pools(), dibs.uscc_is_valid(text),
    dibs.my_partner(), dibs.caller_login(), dibs.my_registrations(), dibs.registration_check(text, text, text), dibs.my_figures(),
    dibs.partner_register(text, text, text, text, boolean, bigint),
    dibs.partner_register_customer(bigint, bigint, text, boolean),
    dibs.log_followup(dibs.entity_kind, bigint, text, text, bigint, bigint)
to dibs_partner;
-- Channel managers and admins: 代报备, checks on a partner's behalf, reviews.
grant execute on function
    dibs.partner_register(text, text, text, text, boolean, bigint),
    dibs.partner_register_customer(bigint, bigint, text, boolean),
    dibs.partner_check_for(bigint, text, text, text), dibs.partner_list(),
    dibs.review_queue(boolean), dibs.decide_review(bigint, boolean, text), dibs.my_partner()
to dibs_manager, dibs_admin;
grant execute on function dibs.partner_list() to dibs_viewer;
-- Administration (refused and audited for anyone but an admin, like the user functions).
grant execute on function
    dibs.partner_add(text, text, text, bigint), dibs.partner_set_tier(bigint, text), dibs.partner_disable(bigint),
    dibs.partner_person_add(text, text, bigint, text, text)
to dibs_rep, dibs_manager, dibs_admin;
grant execute on function dibs.settle_overdue_reviews(integer) to dibs_admin;
