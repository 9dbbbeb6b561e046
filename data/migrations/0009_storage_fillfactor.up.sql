-- Storage rows are rewritten in place by every write of an object (a ≈1 KB value each time). Leaving a fifth
-- of each heap page free lets most rewrites stay on their page as heap-only tuples, so they skip the four
-- index insertions (primary key and three listing indexes) a moved row needs. Only new pages get the space.
ALTER TABLE storage SET (fillfactor = 80);
