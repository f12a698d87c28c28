CREATE TABLE "customer_name_words" (
	"org_id" uuid NOT NULL,
	"word" text NOT NULL,
	CONSTRAINT "customer_name_words_org_id_word_pk" PRIMARY KEY("org_id","word")
);
--> statement-breakpoint
DROP INDEX "customer_emails_address_trgm_idx";--> statement-breakpoint
DROP INDEX "customers_name_trgm_idx";--> statement-breakpoint
DROP INDEX "customer_emails_org_address_idx";--> statement-breakpoint
DROP INDEX "customers_org_name_search_c_idx";--> statement-breakpoint
ALTER TABLE "customer_name_words" ADD CONSTRAINT "customer_name_words_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_emails_org_local_reversed_idx" ON "customer_emails" USING btree ("org_id",(reverse(lower(split_part("address", '@', 1))) collate "C"),"customer_id","address");--> statement-breakpoint
CREATE UNIQUE INDEX "customer_emails_org_address_idx" ON "customer_emails" USING btree ("org_id",(lower("address") collate "C"));--> statement-breakpoint
CREATE INDEX "customers_org_name_search_c_idx" ON "customers" USING btree ("org_id",("name_search" collate "C"),"id",("sort_name" collate "C"));