-- The duplicate check by name parts and blocking keys (docs/ARCHITECTURE.md, "Duplicate
-- check"). The database takes every stored name apart with the same lexicons as the client
-- (administrative divisions, industry words, readings of characters, generic English words;
-- loaded by the migrator from the data the client is built with) and stores the name's keys
-- in an indexed array, so the live check finds candidates with one GIN probe (`&&`).

-- Every way a division is written (南京市, 南京) → the places it may be, each written
-- 'province/city/county' (empty for a level that is not there), in the lexicon's order.
-- county_only: a short name only counties have (喜德, 丹凤): at the start of a name it counts
-- only written in full, as trade names coincide with such names often.
-- (Looked up by first character: one index probe finds every division a name may start with.)
create table dibs.lex_places (
    written     text not null,
    ord         integer not null,
    place       text not null,
    county_only boolean not null default false,
    first_char  text generated always as (left(written, 1)) stored
);
create index lex_places_written on dibs.lex_places (written);
create index lex_places_first_char on dibs.lex_places (first_char);

-- (Looked up by last character: one probe finds every word a name's ending may be.)
create table dibs.lex_industries (
    word        text primary key,
    last_char   text generated always as (right(word, 1)) stored
);
create index lex_industries_last_char on dibs.lex_industries (last_char);

-- Toneless readings of a character, most common first (every reading of a heteronym).
create table dibs.lex_pinyin (ch text primary key, readings text[] not null);

-- Words of Latin-script names that say what or where, not who.
create table dibs.lex_generic_en (word text primary key);

-- A name taken apart (src/domain/company.rs `Parts`). Places are 'province/city/county'.
create type dibs.name_parts as (
    basic       text,
    han         boolean,
    trade       text,
    industry    text,
    form        text,
    form_words  text[],
    places      text[],
    branch      text,
    tokens      text[]
);

alter table dibs.customers
    add column country   text check (country ~ '^[A-Z]{2,3}$'),
    add column name_keys text[] not null default '{}';
alter table dibs.leads
    add column country   text check (country ~ '^[A-Z]{2,3}$'),
    add column name_keys text[] not null default '{}';

-- Without GIN's pending list (fastupdate): each insert updates the index itself. With it,
-- every probe also scans the pending list, up to 4 MB of unsorted entries: measured at
-- 1,000,000 customers, a key probe took 2 ms before the list was cleaned and 0.04 ms after.
-- The duplicate check reads far more often than anyone writes. The name-core trigram indexes
-- serve the same check and get the same setting.
create index customers_name_keys on dibs.customers using gin (name_keys) with (fastupdate = off)
    where status = 'active';
create index leads_name_keys on dibs.leads using gin (name_keys) with (fastupdate = off)
    where status in ('new', 'working');
alter index dibs.customers_core_trgm set (fastupdate = off);
alter index dibs.leads_core_trgm set (fastupdate = off);
