DROP INDEX "company_domains_org_domain_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "company_domains_org_domain_idx" ON "company_domains" USING btree ("org_id","domain");