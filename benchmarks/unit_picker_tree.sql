-- A synthetic 900,515-unit KPU tree for benchmarks/unit_picker.py (run on a freshly migrated database):
--   createdb bench_onboard && DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_onboard .venv/bin/marwah migrate
--   psql -h 127.0.0.1 -U postgres -d bench_onboard -f benchmarks/unit_picker_tree.sql
insert into orgs_institution (id, code, name, short_name, kind) values (1, 'kpu', 'Komisi Pemilihan Umum', 'KPU', 'election');
insert into orgs_unit (id, institution_id, parent_id, path, depth, kind, code, name, is_active)
  values (1, 1, null, '0000001/', 0, 'kpu_ri', 'RI', 'KPU RI', true);
insert into orgs_unit (id, institution_id, parent_id, path, depth, kind, code, name, is_active)
select 1 + n, 1, 1, '0000001/' || lpad(to_hex(1 + n), 7, '0') || '/', 1, 'kpu_kab',
       lpad((10 + n / 20)::text, 2, '0') || '.' || lpad((n % 20 + 1)::text, 2, '0'),
       'KPU Kabupaten ' || case when n = 15 then 'Grobogan' else initcap(substr(md5(n::text), 1, 9)) end, true
from generate_series(1, 514) n;
insert into orgs_unit (id, institution_id, parent_id, path, depth, kind, code, name, is_active)
select 1000 + n, 1, 2 + (n % 514),
       '0000001/' || lpad(to_hex(2 + (n % 514)), 7, '0') || '/' || lpad(to_hex(1000 + n), 7, '0') || '/', 2, 'kpps',
       lpad((10 + (n % 514) / 20)::text, 2, '0') || '.' || lpad(((n % 514) % 20 + 1)::text, 2, '0') || '.'
         || lpad((n / 514 % 100)::text, 2, '0') || '.' || lpad((n / 514)::text, 4, '0') || '.' || (n % 7),
       'TPS ' || (n % 30 + 1) || ' Desa ' || initcap(substr(md5((n / 7)::text), 1, 8)), true
from generate_series(1, 900000) n;
analyze orgs_unit;
