ALTER TABLE "door_event_rejects" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "door_event_rejects" ADD COLUMN "event" jsonb;--> statement-breakpoint
ALTER TABLE "door_event_rejects" ADD COLUMN "customer_id" uuid;--> statement-breakpoint
ALTER TABLE "door_event_rejects" ADD CONSTRAINT "door_event_rejects_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "door_event_rejects" ADD CONSTRAINT "door_event_rejects_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "door_event_rejects_customer_idx" ON "door_event_rejects" USING btree ("customer_id");