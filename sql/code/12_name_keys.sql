-- requires: 0009

-- Company names taken apart and keyed, database side: the same rules as src/domain/company.rs
-- (parts) and src/domain/keys.rs (keys), over the lexicons the migrator loads into
-- dibs.lex_* from the data the client is built with. A test compares Rust and SQL on the
-- labelled development names; when this file or the lexicons change, the migrator
-- recomputes every stored key (src/db/lexicon.rs).

-- Places are written 'province/city/county' (empty for a level that is not there).
create or replace function dibs.place_compatible(a text, b text) returns boolean
language sql immutable strict parallel safe as $$
    select split_part(a, '/', 1) = split_part(b, '/', 1)
       and (split_part(a, '/', 2) = '' or split_part(b, '/', 2) = '' or split_part(a, '/', 2) = split_part(b, '/', 2))
       and (split_part(a, '/', 2) = '' or split_part(b, '/', 2) = ''
            or split_part(a, '/', 3) = '' or split_part(b, '/', 3) = '' or split_part(a, '/', 3) = split_part(b, '/', 3))
$$;

-- The narrower of two compatible places.
create or replace function dibs.place_narrower(a text, b text) returns text
language sql immutable strict parallel safe as $$
    select case when (split_part(b, '/', 2) <> '')::int + (split_part(b, '/', 3) <> '')::int
                   > (split_part(a, '/', 2) <> '')::int + (split_part(a, '/', 3) <> '')::int
                then b else a end
$$;

-- The places a written name may be, in the lexicon's order.
create or replace function dibs.places_of(p_written text) returns text[]
language sql stable strict parallel safe as $$
    select coalesce(array_agg(place order by ord), '{}') from dibs.lex_places where written = p_written
$$;

-- What a name states so far, with one more mention: only candidates compatible with what is
-- known stay (江苏 then 南京 → 南京 in 江苏); incompatible mentions are both kept.
create or replace function dibs.places_mention(p_places text[], p_found text[]) returns text[]
language plpgsql immutable strict parallel safe as $$
declare
    found text[] := array(select f from unnest(p_found) with ordinality u(f, o)
                          where split_part(f, '/', 1) <> '中国' order by o);
    merged text[] := '{}';
    old text;
    new text;
    narrow text;
begin
    if cardinality(found) = 0 then
        return p_places;
    end if;
    if cardinality(p_places) = 0 then
        return found;
    end if;
    foreach old in array p_places loop
        foreach new in array found loop
            if dibs.place_compatible(old, new) then
                narrow := dibs.place_narrower(old, new);
                if not narrow = any (merged) then
                    merged := merged || narrow;
                end if;
            end if;
        end loop;
    end loop;
    if cardinality(merged) = 0 then
        return p_places || found;
    end if;
    return merged;
end
$$;

-- A Chinese name (canonical, lower case) taken apart: branch, bracketed parts, legal forms at
-- the end, leading regions, then the industry (the longest ending of industry words, leaving
-- at least two characters of trade name). The forms and branch markers are alternations of
-- src/domain/company.rs's lists (HAN_FORMS, HAN_BRANCHES); regular expressions are compiled
-- once per session, which keeps this fast enough to run on every insert.
create or replace function dibs.han_parts(p_canonical text) returns dibs.name_parts
language plpgsql stable strict parallel safe as $$
declare
    han_forms constant text[] := array['集团股份有限公司', '股份有限公司', '有限责任公司', '集团有限公司', '个人独资企业', '合伙企业', '有限合伙', '普通合伙', '集团公司', '股份公司', '责任公司', '有限公司', '门市部', '经营部', '公司', '集团', '商行', '商店', '工厂', '厂']::text[];
    han_kinds constant text[] := array['Group', 'JointStock', 'Limited', 'Group', 'Sole', 'Partnership', 'Partnership', 'Partnership', 'Group', 'JointStock', 'Limited', 'Limited', 'Shop', 'Shop', 'Limited', 'Group', 'Shop', 'Shop', 'Factory', 'Factory']::text[];
    r dibs.name_parts;
    t text;
    marker text;
    before text;
    cut integer;
    k integer;
    n integer;
    segments text[];
    inner_text text;
    found text[];
    flat text;
    i integer;
    suffix text;
    rec record;
    accepted boolean;
    industry_start integer;
    best integer;
begin
    r.han := true;
    r.places := '{}';
    r.form_words := '{}';
    r.tokens := '{}';
    t := regexp_replace(translate(p_canonical, '[【〔〈《「『{]】〕〉》」』}', '(((((((())))))))'),
                        '[^[:alnum:]()]', '', 'g');
    -- A branch after the company: …有限公司上海分公司.
    marker := substring(t from '(分公司|分厂|分店|办事处|营业部|分部|分行|支行|分社|分中心)$');
    if marker is not null then
        before := left(t, length(t) - length(marker));
        -- After the last legal form before it, or else right before the place before it.
        cut := length(substring(before from '^(.*(?:集团股份有限公司|股份有限公司|有限责任公司|集团有限公司|个人独资企业|合伙企业|有限合伙|普通合伙|集团公司|股份公司|责任公司|有限公司|门市部|经营部|公司|集团|商行|商店|工厂|厂))'));
        if cut is null then
            n := length(before);
            cut := n;
            for k in reverse n - 2 .. 2 loop
                if exists (select 1 from dibs.lex_places l where l.written = right(before, k)) then
                    cut := n - k;
                    exit;
                end if;
            end loop;
        end if;
        r.branch := substr(before, cut + 1) || marker;
        t := left(t, cut);
    end if;
    -- Bracketed parts: a region goes to places, a form goes to the form, the rest stays
    -- (stray brackets go).
    if t ~ '[()]' then
        segments := regexp_split_to_array(t, '\([^)]*\)');
        flat := translate(segments[1], '()', '');
        i := 1;
        for inner_text in select m[1] from regexp_matches(t, '\(([^)]*)\)', 'g') m loop
            i := i + 1;
            found := dibs.places_of(inner_text);
            if cardinality(found) > 0 then
                r.places := dibs.places_mention(r.places, found);
            elsif inner_text = any (han_forms) then
                r.form := coalesce(r.form, han_kinds[array_position(han_forms, inner_text)]);
            else
                flat := flat || inner_text;
            end if;
            flat := flat || translate(segments[i], '()', '');
        end loop;
        t := flat;
    end if;
    -- Legal forms at the end, stacked ones too (集团有限公司): the outermost names the form.
    -- (The longest form that ends the name is the first of the list that does.)
    loop
        -- (Every form ends in one of these: most endings are not worth the expression.)
        exit when not right(t, 1) = any ('{司,团,伙,业,部,行,店,厂}'::text[]);
        suffix := substring(t from '.(集团股份有限公司|股份有限公司|有限责任公司|集团有限公司|个人独资企业|合伙企业|有限合伙|普通合伙|集团公司|股份公司|责任公司|有限公司|门市部|经营部|公司|集团|商行|商店|工厂|厂)$');
        exit when suffix is null;
        r.form := coalesce(r.form, han_kinds[array_position(han_forms, suffix)]);
        -- 化工厂 is 化工 + 厂, not 化 + 工厂.
        if suffix = '工厂' and length(t) >= 3
           and exists (select 1 from dibs.lex_industries w where w.word = substr(t, length(t) - 2, 2)) then
            suffix := '厂';
        end if;
        t := left(t, length(t) - length(suffix));
    end loop;
    -- Leading regions, nested (浙江省杭州市…), as long as two characters are left after them.
    -- A county counts only written in full, and a second region only inside the first.
    loop
        n := length(t);
        exit when n - 2 < 2;
        accepted := false;
        for rec in
            select l.written, array_agg(l.place order by l.ord) as found, bool_or(l.county_only) as county_only
            from dibs.lex_places l
            where l.first_char = left(t, 1) and length(l.written) between 2 and n - 2
              and l.written = left(t, length(l.written))
            group by l.written
            order by length(l.written) desc
        loop
            if not rec.county_only
               and (cardinality(r.places) = 0
                    or exists (select 1 from unnest(rec.found) f, unnest(r.places) p where dibs.place_compatible(p, f))) then
                r.places := dibs.places_mention(r.places, rec.found);
                t := substr(t, length(rec.written) + 1);
                accepted := true;
                exit;
            end if;
        end loop;
        exit when not accepted;
    end loop;
    -- The industry: the longest ending made of industry words, leaving two characters.
    industry_start := length(t);
    loop
        exit when industry_start - 2 < 2;
        select max(length(w.word)) into best from dibs.lex_industries w
        where w.last_char = substr(t, industry_start, 1) and length(w.word) between 2 and industry_start - 2
          and w.word = substr(t, industry_start - length(w.word) + 1, length(w.word));
        exit when best is null;
        industry_start := industry_start - best;
    end loop;
    r.industry := substr(t, industry_start + 1);
    r.trade := left(t, industry_start);
    return r;
end
$$;

-- At most one edit (insert, delete, substitute) apart.
create or replace function dibs.one_edit(a text, b text) returns boolean
language plpgsql immutable strict parallel safe as $$
declare
    la integer := length(a);
    lb integer := length(b);
    i integer := 1;
begin
    if abs(la - lb) > 1 then
        return false;
    end if;
    while i <= least(la, lb) and substr(a, i, 1) = substr(b, i, 1) loop
        i := i + 1;
    end loop;
    if la = lb then
        return substr(a, i + 1) = substr(b, i + 1);
    elsif la > lb then
        return substr(a, i + 1) = substr(b, i);
    end if;
    return substr(a, i) = substr(b, i + 1);
end
$$;

-- A Latin-script name (canonical, lower case): parenthesised parts dropped, & read as and,
-- initials joined (s.r.l. → srl), "the" and stacked legal suffixes off the ends (a one-letter
-- slip in a long one forgiven), abbreviations read out.
create or replace function dibs.latin_parts(p_canonical text) returns dibs.name_parts
language plpgsql immutable strict parallel safe as $$
declare
    latin_forms constant text[] := array['gesellschaft mit beschrankter haftung', 'limited liability company', 'limited liability partnership', 'public limited company', 'private ltd', 'private limited', 'company limited', 'corporation limited', 'co limited', 'co ltd', 'pte ltd', 'pte limited', 'pvt ltd', 'pvt limited', 'pty ltd', 'pty limited', 'sdn bhd', 'aktiengesellschaft', 'private', 'pte', 'pvt', 'pty', 'limited', 'ltd', 'ltda', 'bhd', 'berhad', 'plc', 'ag', 'sa', 'spa', 'inc', 'incorporated', 'corp', 'corporation', 'llc', 'lp', 'llp', 'gmbh', 'bv', 'nv', 'srl', 'sl', 'sro', 'doo', 'eu', 'aps', 'kg', 'ohg', 'vof', 'cv', 'company', 'co', 'sarl', 'sas', 'kk', 'oy', 'ab', 'as']::text[];
    latin_kinds constant text[] := array['Gmbh', 'Llc', 'Partnership', 'JointStock', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'JointStock', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'Limited', 'JointStock', 'JointStock', 'JointStock', 'JointStock', 'Incorporated', 'Incorporated', 'Incorporated', 'Incorporated', 'Llc', 'Partnership', 'Partnership', 'Gmbh', 'Bv', 'Bv', 'OtherForm', 'OtherForm', 'OtherForm', 'OtherForm', 'OtherForm', 'Limited', 'Partnership', 'Partnership', 'Partnership', 'Partnership', 'Company', 'Company', 'OtherForm', 'OtherForm', 'OtherForm', 'OtherForm', 'OtherForm', 'OtherForm']::text[];
    short_words constant text[] := array['intl', 'int', 'mfg', 'mfrs', 'tech', 'techs', 'svcs', 'svc', 'hldgs', 'hldg', 'grp', 'mgmt', 'mgt', 'assoc', 'bros', 'natl', 'dev', 'devt', 'eng', 'engg', 'inds', 'ind', 'invt', 'invts', 'prop', 'props', 'co', 'cos', 'ctr', 'centre', 'dept', 'gen', 'amer', 'sys', 'elec', 'pharm', 'pharma', 'fin', 'trad', 'ins', 'univ', 'assn', 'and']::text[];
    long_words constant text[] := array['international', 'international', 'manufacturing', 'manufacturers', 'technology', 'technologies', 'services', 'service', 'holdings', 'holding', 'group', 'management', 'management', 'associates', 'brothers', 'national', 'development', 'development', 'engineering', 'engineering', 'industries', 'industries', 'investment', 'investments', 'properties', 'properties', 'company', 'companies', 'center', 'center', 'department', 'general', 'american', 'systems', 'electric', 'pharmaceutical', 'pharmaceutical', 'financial', 'trading', 'insurance', 'university', 'association', 'and']::text[];
    r dibs.name_parts;
    text_out text;
    c text;
    tokens text[];
    joined text[] := '{}';
    last_initial boolean := false;
    single boolean;
    tok text;
    matched integer;
    words text[];
    nw integer;
    nt integer;
    ok boolean;
    i integer;
    j integer;
begin
    r.han := false;
    r.industry := '';
    r.places := '{}';
    r.form_words := '{}';
    -- Bracketed parts go, innermost first; an unclosed bracket takes the rest with it, a
    -- stray closing one goes alone.
    text_out := p_canonical;
    loop
        c := regexp_replace(text_out, '[(\[][^()\[\]]*[)\]]', '', 'g');
        exit when c = text_out;
        text_out := c;
    end loop;
    text_out := regexp_replace(regexp_replace(text_out, '[(\[].*$', ''), '[)\]]', '', 'g');
    text_out := regexp_replace(regexp_replace(translate(text_out, '''’', ''), '[&+]', ' and ', 'g'),
                               '[^[:alnum:]]', ' ', 'g');
    tokens := case when btrim(text_out) = '' then '{}'::text[]
                   else regexp_split_to_array(btrim(text_out), ' +') end;
    -- Initials written with dots or spaces are one word: S.R.L. → srl, C.F. → cf.
    foreach tok in array tokens loop
        single := length(tok) = 1 and tok ~ '^[[:alpha:]]$';
        if cardinality(joined) > 0 and last_initial and single then
            joined[cardinality(joined)] := joined[cardinality(joined)] || tok;
        else
            joined := joined || tok;
            last_initial := single;
        end if;
    end loop;
    tokens := joined;
    if cardinality(tokens) > 1 and tokens[1] = 'the' then
        tokens := tokens[2:];
    end if;
    loop
        matched := null;
        nt := cardinality(tokens);
        for i in 1 .. cardinality(latin_forms) loop
            words := string_to_array(latin_forms[i], ' ');
            nw := cardinality(words);
            if nw < nt then
                ok := true;
                for j in 1 .. nw loop
                    if not (tokens[nt - nw + j] = words[j]
                            or (length(words[j]) >= 5 and dibs.one_edit(tokens[nt - nw + j], words[j]))) then
                        ok := false;
                        exit;
                    end if;
                end loop;
                if ok then
                    matched := i;
                    exit;
                end if;
            end if;
        end loop;
        exit when matched is null;
        nw := cardinality(string_to_array(latin_forms[matched], ' '));
        r.form := coalesce(r.form, latin_kinds[matched]);
        r.form_words := tokens[nt - nw + 1 : nt] || r.form_words;
        tokens := tokens[1 : nt - nw];
    end loop;
    tokens := array(select coalesce(long_words[array_position(short_words, t)], t)
                    from unnest(tokens) with ordinality u(t, o) order by o);
    r.tokens := tokens;
    r.trade := array_to_string(tokens, ' ');
    return r;
end
$$;

-- Any name taken apart: written mostly in Chinese characters, or in Latin script. Only the
-- first 200 characters count (what a stored name may hold; the client does the same).
create or replace function dibs.parse_name(p text) returns dibs.name_parts
language plpgsql stable strict parallel safe as $$
declare
    -- A stock-market mark in front of a short name, and a share class after it, go first
    -- (src/domain/company.rs, MARKET_MARKS and SHARE_CLASSES): *ST狮头 is 狮头, 深康佳A 深康佳.
    canonical constant text := regexp_replace(regexp_replace(lower(dibs.name_canonical(left(p, 200))),
        '^\s*(s\*st|\*st|sst|st|xd|xr|dr|n|g)(?=[一-鿿㐀-䶿])', ''),
        '(?<=[一-鿿㐀-䶿])-?[abs]\s*$', '');
    han_chars integer := length(regexp_replace(canonical, '[^一-鿿㐀-䶿]', '', 'g'));
    latin_chars integer := length(regexp_replace(canonical, '[^a-zA-Z]', '', 'g'));
    r dibs.name_parts;
begin
    if han_chars > 0 and han_chars * 2 >= latin_chars then
        r := dibs.han_parts(canonical);
    else
        r := dibs.latin_parts(canonical);
    end if;
    r.basic := regexp_replace(canonical, '[^[:alnum:]]', '', 'g');
    return r;
end
$$;

-- A text without its n-th character.
create or replace function dibs.without_char(p text, n integer) returns text
language sql immutable strict parallel safe as $$
    select left(p, n - 1) || substr(p, n + 1)
$$;

-- The toneless pinyin of a text, one spelling per combination of readings (most common
-- first, at most 8).
create or replace function dibs.pinyin_spellings(p text) returns text[]
language plpgsql stable strict parallel safe as $$
declare
    spellings text[] := array[''];
    next text[];
    spelling text;
    reading text;
    all_readings text[];
    readings text;
begin
    all_readings := array(select coalesce((select array_to_string(y.readings, ' ') from dibs.lex_pinyin y
                                           where y.ch = u.ch), lower(u.ch))
                          from unnest(regexp_split_to_array(p, '')) with ordinality u(ch, o) order by u.o);
    foreach readings in array all_readings loop
        next := '{}';
        <<outer>>
        foreach spelling in array spellings loop
            foreach reading in array string_to_array(readings, ' ') loop
                next := next || (spelling || reading);
                exit outer when cardinality(next) >= 8;
            end loop;
        end loop;
        spellings := next;
    end loop;
    return spellings;
end
$$;

-- The spellings of the first k characters of a text for each k in p_lengths, in one pass
-- (the same as pinyin_spellings of each prefix: the cap of 8 cuts alike), so a name's
-- trade-name keys read the pinyin lexicon once per character, not once per prefix.
create or replace function dibs.pinyin_prefix_spellings(p text, p_lengths integer[]) returns text[]
language plpgsql stable strict parallel safe as $$
declare
    spellings text[] := array[''];
    found text[] := '{}';
    next text[];
    spelling text;
    reading text;
    all_readings text[];
    readings text;
    i integer := 0;
begin
    all_readings := array(select coalesce((select array_to_string(y.readings, ' ') from dibs.lex_pinyin y
                                           where y.ch = u.ch), lower(u.ch))
                          from unnest(regexp_split_to_array(p, '')) with ordinality u(ch, o) order by u.o);
    foreach readings in array all_readings loop
        i := i + 1;
        next := '{}';
        <<outer>>
        foreach spelling in array spellings loop
            foreach reading in array string_to_array(readings, ' ') loop
                next := next || (spelling || reading);
                exit outer when cardinality(next) >= 8;
            end loop;
        end loop;
        spellings := next;
        if i = any (p_lengths) then
            found := found || spellings;
        end if;
    end loop;
    return found;
end
$$;

-- The blocking keys of a parsed name (src/domain/keys.rs explains each kind).
create or replace function dibs.name_keys(r dibs.name_parts) returns text[]
language plpgsql stable parallel safe as $$
declare
    keys text[] := '{}';
    n integer;
    k integer;
    core text;
    base text;
    word text;
    own text[];
    spelling text;
    place text;
begin
    if r is null then
        return '{}';
    end if;
    if r.han then
        n := length(r.trade);
        core := r.trade || r.industry;
        if n < 2 then
            if r.basic <> '' then
                keys := array['c:' || core];
            end if;
            return keys;
        end if;
        keys := keys || ('t:' || r.trade);
        if n >= 3 then
            for k in 1 .. n loop
                keys := keys || ('t:' || dibs.without_char(r.trade, k));
            end loop;
        end if;
        if n >= 4 then
            keys := keys || ('t:' || left(r.trade, 2)) || ('t:' || left(r.trade, 3));
        end if;
        -- The whole trade name's pinyin, and its first two and three characters' (n ≥ 3, 4).
        foreach spelling in array dibs.pinyin_prefix_spellings(
                r.trade, case when n >= 4 then array[n, 2, 3] when n = 3 then array[3, 2] else array[n] end) loop
            keys := keys || ('p:' || spelling);
        end loop;
        if n >= 4 then
            foreach spelling in array dibs.pinyin_spellings(substr(r.trade, 3)) loop
                keys := keys || ('p:' || spelling);
            end loop;
        end if;
        if exists (select 1 from dibs.lex_industries w where w.word = r.trade) then
            foreach place in array r.places loop
                foreach spelling in array dibs.pinyin_spellings(
                        coalesce(nullif(split_part(place, '/', 3), ''),
                                 nullif(split_part(place, '/', 2), ''),
                                 split_part(place, '/', 1))) loop
                    keys := keys || ('p:' || spelling);
                end loop;
            end loop;
        end if;
        keys := keys || ('s:' || (select string_agg(ch, '' order by ch collate "C")
                                  from regexp_split_to_table(r.trade, '') ch));
        for k in 2 .. length(core) loop
            keys := keys || ('a:' || left(r.trade, 1) || substr(core, k, 1));
        end loop;
        foreach place in array r.places loop
            keys := keys || ('a:' || left(coalesce(nullif(split_part(place, '/', 3), ''),
                                                   nullif(split_part(place, '/', 2), ''),
                                                   split_part(place, '/', 1)), 1)
                                  || left(r.trade, 1));
        end loop;
        keys := keys || ('c:' || core);
        if r.industry <> '' then
            for k in 1 .. n loop
                keys := keys || ('c:' || dibs.without_char(core, k));
            end loop;
        end if;
    else
        base := array_to_string(r.tokens, '');
        if base = '' then
            return '{}';
        end if;
        keys := keys || ('b:' || base);
        keys := keys || ('o:' || (select string_agg(t, '' order by t collate "C") from unnest(r.tokens) t));
        own := array(select t from unnest(r.tokens) with ordinality u(t, o)
                     where not exists (select 1 from dibs.lex_generic_en g where g.word = t) order by o);
        if cardinality(own) = 0 then
            own := r.tokens;
        end if;
        for k in 1 .. cardinality(own) loop
            if length(own[k]) >= 2 then
                keys := keys || ('p:' || own[k]);
            end if;
            if k < cardinality(own) then
                keys := keys || ('p:' || own[k] || own[k + 1]);
                if k + 1 < cardinality(own) then
                    keys := keys || ('p:' || own[k] || own[k + 1] || own[k + 2]);
                end if;
            end if;
        end loop;
        foreach word in array own loop
            n := length(word);
            continue when n < 3 and word !~ '[0-9]';
            keys := keys || ('k:' || word);
            if n >= 4 and n <= 14 then
                for k in 1 .. n loop
                    keys := keys || ('k:' || dibs.without_char(word, k));
                end loop;
            end if;
        end loop;
        n := length(base);
        if n <= 14 then
            for k in 1 .. n loop
                keys := keys || ('e:' || dibs.without_char(base, k));
            end loop;
            keys := keys || ('e:' || base);
        end if;
    end if;
    return array(select key from unnest(keys) with ordinality u(key, o) group by key order by min(o));
end
$$;

create or replace function dibs.name_keys(p text) returns text[]
language sql stable strict parallel safe as $$
    select dibs.name_keys(dibs.parse_name(p))
$$;

-- Every row gets its keys and the regions its name states from the database, whoever writes
-- it (after the forms trigger, before the rules that compare and the company trigger); a
-- country is stored as its upper-case code.
create or replace function dibs.customer_keys() returns trigger
language plpgsql as $$
declare
    parts constant dibs.name_parts := dibs.parse_name(new.name);
begin
    new.name_keys := coalesce(dibs.name_keys(parts), '{}');
    new.name_places := coalesce(parts.places, '{}');
    new.name_branch := coalesce(parts.branch, '');
    new.country := nullif(upper(btrim(new.country)), '');
    return new;
end
$$;

create or replace function dibs.lead_keys() returns trigger
language plpgsql as $$
declare
    parts constant dibs.name_parts := dibs.parse_name(new.company_name);
begin
    new.name_keys := coalesce(dibs.name_keys(parts), '{}');
    new.name_places := coalesce(parts.places, '{}');
    new.name_branch := coalesce(parts.branch, '');
    new.country := nullif(upper(btrim(new.country)), '');
    return new;
end
$$;

drop trigger if exists customers_11_keys on dibs.customers;
create trigger customers_11_keys before insert or update of name, name_keys, country on dibs.customers
    for each row execute function dibs.customer_keys();

drop trigger if exists leads_11_keys on dibs.leads;
create trigger leads_11_keys before insert or update of company_name, name_keys, country on dibs.leads
    for each row execute function dibs.lead_keys();
