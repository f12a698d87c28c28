-- Typo-tolerant name search compares a search's words with the organization's name words by edit
-- distance (levenshtein_less_equal).
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
--> statement-breakpoint
-- customer_name_words holds the distinct words of customers' names (name_search split on spaces).
-- New rows add theirs in one set-based statement; a changed name adds its words row by row (the
-- WHEN clause keeps the many updates that do not touch a name free of it).
CREATE FUNCTION "customer_name_words_from_new_rows"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "customer_name_words" ("org_id", "word")
  SELECT DISTINCT n."org_id", w FROM changed n, regexp_split_to_table(n."name_search", ' ') w WHERE w <> ''
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "customer_name_words_from_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "customer_name_words" ("org_id", "word")
  SELECT DISTINCT NEW."org_id", w FROM regexp_split_to_table(NEW."name_search", ' ') w WHERE w <> ''
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "customer_name_words_insert" AFTER INSERT ON "customers"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "customer_name_words_from_new_rows"();
--> statement-breakpoint
CREATE TRIGGER "customer_name_words_update" AFTER UPDATE OF "first_name", "last_name" ON "customers"
  FOR EACH ROW WHEN (OLD."name_search" IS DISTINCT FROM NEW."name_search") EXECUTE FUNCTION "customer_name_words_from_row"();
--> statement-breakpoint
INSERT INTO "customer_name_words" ("org_id", "word")
SELECT DISTINCT c."org_id", w FROM "customers" c, regexp_split_to_table(c."name_search", ' ') w WHERE w <> ''
ON CONFLICT DO NOTHING;
