DROP INDEX "customers_org_sort_name_idx";--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "tag_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
CREATE INDEX "customers_org_sort_name_c_idx" ON "customers" USING btree ("org_id",("sort_name" collate "C"),"id");--> statement-breakpoint
CREATE INDEX "customers_org_name_search_c_idx" ON "customers" USING btree ("org_id",("name_search" collate "C"),"id");--> statement-breakpoint
CREATE INDEX "customers_tag_ids_idx" ON "customers" USING gin ("tag_ids");--> statement-breakpoint
-- customers.tag_ids mirrors customer_tags. Statement-level triggers with transition tables keep
-- it in step in one set-based UPDATE per statement, whoever writes tags (API, bulk, import, seed).
CREATE FUNCTION "customer_tags_mirror"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "customers" c SET "tag_ids" = coalesce(
    (SELECT array_agg(ct."tag_id" ORDER BY ct."tag_id") FROM "customer_tags" ct WHERE ct."customer_id" = c."id"), '{}')
  WHERE c."id" IN (SELECT DISTINCT "customer_id" FROM changed);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "customer_tags_mirror_insert" AFTER INSERT ON "customer_tags"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "customer_tags_mirror"();
--> statement-breakpoint
CREATE TRIGGER "customer_tags_mirror_delete" AFTER DELETE ON "customer_tags"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "customer_tags_mirror"();
--> statement-breakpoint
UPDATE "customers" c SET "tag_ids" = t.ids
FROM (SELECT "customer_id", array_agg("tag_id" ORDER BY "tag_id") AS ids FROM "customer_tags" GROUP BY "customer_id") t
WHERE t."customer_id" = c."id";
