ALTER TABLE storage RESET (fillfactor);
