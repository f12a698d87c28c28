CREATE TYPE "public"."address_purpose" AS ENUM('billing', 'shipping', 'contact');--> statement-breakpoint
CREATE TYPE "public"."lifecycle_stage" AS ENUM('lead', 'active', 'at_risk', 'churned');--> statement-breakpoint
CREATE TYPE "public"."company_link" AS ENUM('domain', 'manual');--> statement-breakpoint
CREATE TYPE "public"."custom_field_type" AS ENUM('text', 'number', 'date', 'choice', 'boolean');--> statement-breakpoint
CREATE TABLE "customer_addresses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"purpose" "address_purpose" NOT NULL,
	"line1" text NOT NULL,
	"line2" text,
	"city" text,
	"region" text,
	"postal_code" text,
	"country" text,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_photos" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"content_type" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "companies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "company_domains" (
	"org_id" uuid NOT NULL,
	"company_id" uuid NOT NULL,
	"domain" text NOT NULL,
	CONSTRAINT "company_domains_company_id_domain_pk" PRIMARY KEY("company_id","domain")
);
--> statement-breakpoint
CREATE TABLE "custom_field_values" (
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"field_id" uuid NOT NULL,
	"value_text" text NOT NULL,
	"value_number" double precision,
	"value_date" date,
	"value_bool" boolean,
	CONSTRAINT "custom_field_values_customer_id_field_id_pk" PRIMARY KEY("customer_id","field_id")
);
--> statement-breakpoint
CREATE TABLE "custom_fields" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"type" "custom_field_type" NOT NULL,
	"options" jsonb,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_companies" (
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"company_id" uuid NOT NULL,
	"linked_by" "company_link" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_companies_customer_id_company_id_pk" PRIMARY KEY("customer_id","company_id")
);
--> statement-breakpoint
CREATE TABLE "customer_tags" (
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"tag_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_tags_customer_id_tag_id_pk" PRIMARY KEY("customer_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "marketing_list_members" (
	"org_id" uuid NOT NULL,
	"list_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "marketing_list_members_list_id_customer_id_pk" PRIMARY KEY("list_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "marketing_lists" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"query" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"color" text NOT NULL,
	"builtin" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer_phones" ALTER COLUMN "position" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "max_tags_per_customer" integer;--> statement-breakpoint
ALTER TABLE "customer_phones" ADD COLUMN "replaced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "date_of_birth" date;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "company_name" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "photo_version" integer;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "marketing_consent" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "consent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "consent_method" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "primary_email" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "primary_phone" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "lifecycle_stage" "lifecycle_stage" DEFAULT 'lead' NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "total_spent_cents" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "clv_cents" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "last_order_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "last_active_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "name_search" text GENERATED ALWAYS AS (lower(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))) STORED;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "sort_name" text GENERATED ALWAYS AS (nullif(lower(trim(coalesce(last_name, '') || ' ' || coalesce(first_name, ''))), '')) STORED;--> statement-breakpoint
ALTER TABLE "customer_addresses" ADD CONSTRAINT "customer_addresses_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_photos" ADD CONSTRAINT "customer_photos_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "companies" ADD CONSTRAINT "companies_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "company_domains" ADD CONSTRAINT "company_domains_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "company_domains" ADD CONSTRAINT "company_domains_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custom_field_values" ADD CONSTRAINT "custom_field_values_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custom_field_values" ADD CONSTRAINT "custom_field_values_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custom_field_values" ADD CONSTRAINT "custom_field_values_field_id_custom_fields_id_fk" FOREIGN KEY ("field_id") REFERENCES "public"."custom_fields"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custom_fields" ADD CONSTRAINT "custom_fields_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_companies" ADD CONSTRAINT "customer_companies_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_companies" ADD CONSTRAINT "customer_companies_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_companies" ADD CONSTRAINT "customer_companies_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_tags" ADD CONSTRAINT "customer_tags_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_tags" ADD CONSTRAINT "customer_tags_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_tags" ADD CONSTRAINT "customer_tags_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marketing_list_members" ADD CONSTRAINT "marketing_list_members_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marketing_list_members" ADD CONSTRAINT "marketing_list_members_list_id_marketing_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."marketing_lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marketing_list_members" ADD CONSTRAINT "marketing_list_members_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marketing_lists" ADD CONSTRAINT "marketing_lists_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "tags_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_addresses_customer_idx" ON "customer_addresses" USING btree ("customer_id","position");--> statement-breakpoint
CREATE INDEX "customer_addresses_org_city_idx" ON "customer_addresses" USING btree ("org_id",lower("city"));--> statement-breakpoint
CREATE INDEX "customer_addresses_org_country_idx" ON "customer_addresses" USING btree ("org_id","country");--> statement-breakpoint
CREATE UNIQUE INDEX "companies_org_name_idx" ON "companies" USING btree ("org_id",lower("name"));--> statement-breakpoint
CREATE INDEX "company_domains_org_domain_idx" ON "company_domains" USING btree ("org_id","domain");--> statement-breakpoint
CREATE INDEX "custom_field_values_field_text_idx" ON "custom_field_values" USING btree ("field_id",lower("value_text"));--> statement-breakpoint
CREATE INDEX "custom_field_values_field_number_idx" ON "custom_field_values" USING btree ("field_id","value_number");--> statement-breakpoint
CREATE INDEX "custom_field_values_field_date_idx" ON "custom_field_values" USING btree ("field_id","value_date");--> statement-breakpoint
CREATE INDEX "custom_field_values_org_text_idx" ON "custom_field_values" USING btree ("org_id",lower("value_text"));--> statement-breakpoint
CREATE UNIQUE INDEX "custom_fields_org_key_idx" ON "custom_fields" USING btree ("org_id","key");--> statement-breakpoint
CREATE INDEX "customer_companies_company_idx" ON "customer_companies" USING btree ("company_id","customer_id");--> statement-breakpoint
CREATE INDEX "customer_tags_tag_idx" ON "customer_tags" USING btree ("tag_id","customer_id");--> statement-breakpoint
CREATE INDEX "marketing_list_members_customer_idx" ON "marketing_list_members" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "marketing_lists_org_name_idx" ON "marketing_lists" USING btree ("org_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "segments_org_name_idx" ON "segments" USING btree ("org_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "tags_org_name_idx" ON "tags" USING btree ("org_id",lower("name"));--> statement-breakpoint
CREATE INDEX "customer_emails_address_trgm_idx" ON "customer_emails" USING gin (lower("address") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customer_emails_org_domain_idx" ON "customer_emails" USING btree ("org_id",lower(split_part("address", '@', 2)));--> statement-breakpoint
CREATE INDEX "customers_org_sort_name_idx" ON "customers" USING btree ("org_id","sort_name","id");--> statement-breakpoint
CREATE INDEX "customers_org_primary_email_idx" ON "customers" USING btree ("org_id","primary_email","id");--> statement-breakpoint
CREATE INDEX "customers_org_primary_phone_idx" ON "customers" USING btree ("org_id","primary_phone","id");--> statement-breakpoint
CREATE INDEX "customers_org_total_spent_idx" ON "customers" USING btree ("org_id","total_spent_cents","id");--> statement-breakpoint
CREATE INDEX "customers_org_clv_idx" ON "customers" USING btree ("org_id","clv_cents","id");--> statement-breakpoint
CREATE INDEX "customers_org_last_order_idx" ON "customers" USING btree ("org_id","last_order_at","id");--> statement-breakpoint
CREATE INDEX "customers_org_last_active_idx" ON "customers" USING btree ("org_id","last_active_at","id");--> statement-breakpoint
CREATE INDEX "customers_org_lifecycle_idx" ON "customers" USING btree ("org_id","lifecycle_stage","id");--> statement-breakpoint
CREATE INDEX "customers_name_trgm_idx" ON "customers" USING gin ("name_search" gin_trgm_ops);--> statement-breakpoint
-- Existing customers: fill the denormalized primary email and phone the list sorts on.
UPDATE "customers" c SET
  "primary_email" = (SELECT e."address" FROM "customer_emails" e WHERE e."customer_id" = c."id" AND e."position" = 0),
  "primary_phone" = (SELECT p."e164" FROM "customer_phones" p WHERE p."customer_id" = c."id" AND p."position" = 0);
