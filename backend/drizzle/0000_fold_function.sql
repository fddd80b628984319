-- Accent- and case-folding used by unique keys, lookups and full-text search. A plain SQL function
-- instead of the unaccent extension: PGlite and a stock PostgreSQL both have it, and it is IMMUTABLE so it
-- can back indexes and generated columns.
CREATE OR REPLACE FUNCTION lexikon_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT lower(translate(
    replace(replace(replace(replace(replace(replace(value, 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'), 'ß', 'ss'), '’', ''''),
    'àáâãäåāăąÀÁÂÃÄÅĀĂĄçćĉčÇĆĈČďđĎĐèéêëēĕėęěÈÉÊËĒĔĖĘĚĝğġģĜĞĠĢĥĤìíîïĩīĭįıÌÍÎÏĨĪĬĮİĵĴķĶĺļľłĹĻĽŁñńņňÑŃŅŇòóôõöøōŏőÒÓÔÕÖØŌŎŐŕŗřŔŖŘśŝşšŚŜŞŠţťŧŢŤŦùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲŵŴýÿŷÝŸŶźżžŹŻŽ',
    'aaaaaaaaaaaaaaaaaaccccccccddddeeeeeeeeeeeeeeeeeegggggggghhiiiiiiiiiiiiiiiiiijjkkllllllllnnnnnnnnoooooooooooooooooorrrrrrssssssssttttttuuuuuuuuuuuuuuuuuuuuwwyyyyyyzzzzzz'
  ))
$$;
