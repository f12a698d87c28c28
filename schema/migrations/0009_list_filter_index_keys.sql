DROP INDEX "customers_org_created_idx";--> statement-breakpoint
DROP INDEX "customers_org_sort_name_c_idx";--> statement-breakpoint
CREATE INDEX "customers_org_created_idx" ON "customers" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST,"language","tag_ids","lifecycle_stage","status","source","marketing_consent");--> statement-breakpoint
CREATE INDEX "customers_org_sort_name_c_idx" ON "customers" USING btree ("org_id",("sort_name" collate "C"),"id","language","tag_ids","lifecycle_stage","status","source","marketing_consent");