CREATE TABLE "clv_model_fits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"fit_id" uuid NOT NULL,
	"model" text NOT NULL,
	"chosen" boolean DEFAULT false NOT NULL,
	"params" jsonb,
	"standard_errors" jsonb,
	"log_likelihood" double precision,
	"customers" integer NOT NULL,
	"cannot_fit" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"calibration_end" date NOT NULL,
	"fitted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clv_model_fits" ADD CONSTRAINT "clv_model_fits_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "clv_model_fits_org_fitted_idx" ON "clv_model_fits" USING btree ("org_id","fitted_at");--> statement-breakpoint
-- A2: the purchases the customer-value models read, one row per purchase: the organization, the
-- customer, the day on the venue's calendar and the value in minor units. Empty until orders
-- exist; the orders domain replaces it (CREATE OR REPLACE VIEW) with a query over its table, and
-- the clv.fit job reads only this view. (drizzle-kit does not manage it: no table declares it.)
CREATE VIEW "clv_purchases" AS
  SELECT NULL::uuid AS "org_id", NULL::uuid AS "customer_id", NULL::date AS "day", NULL::bigint AS "value_minor"
  WHERE false;
