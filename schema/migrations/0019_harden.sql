ALTER TABLE "organizations" ADD COLUMN "max_active_bookings_per_customer" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "possible_duplicate_of" uuid;--> statement-breakpoint
ALTER TABLE "door_event_rejects" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "door_event_rejects" ADD COLUMN "event" jsonb;--> statement-breakpoint
ALTER TABLE "door_event_rejects" ADD COLUMN "customer_id" uuid;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_possible_duplicate_of_customers_id_fk" FOREIGN KEY ("possible_duplicate_of") REFERENCES "public"."customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "door_event_rejects" ADD CONSTRAINT "door_event_rejects_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "door_event_rejects" ADD CONSTRAINT "door_event_rejects_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- Customer numbers that differ only in case (issue 12) named two people; from now on they are one
-- number. The earliest customer keeps it; each later one gets a suffix (-2, -3… and four hex of its
-- id, so it takes no number in use), and its history says so, as an edit by the system.
WITH ranked AS (
  SELECT id, org_id, customer_number, row_number() OVER (PARTITION BY org_id, lower(customer_number) ORDER BY created_at, id) AS n
  FROM customers
), renamed AS (
  UPDATE customers c SET customer_number = r.customer_number || '-' || r.n || '-' || substr(md5(c.id::text), 1, 4)
  FROM ranked r WHERE c.id = r.id AND r.n > 1
  RETURNING c.id, c.org_id, r.customer_number AS before, c.customer_number AS after
)
INSERT INTO audit_log (org_id, actor_user_id, entity_type, entity_id, action, changes)
SELECT org_id, NULL, 'customer', id, 'updated', jsonb_build_object('customerNumber', jsonb_build_object('before', before, 'after', after))
FROM renamed;--> statement-breakpoint
CREATE UNIQUE INDEX "customers_org_number_lower_idx" ON "customers" USING btree ("org_id",lower("customer_number"));--> statement-breakpoint
CREATE INDEX "door_event_rejects_customer_idx" ON "door_event_rejects" USING btree ("customer_id");