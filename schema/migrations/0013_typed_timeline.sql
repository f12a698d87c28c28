ALTER TABLE "activities" ADD COLUMN "event_id" bigint;--> statement-breakpoint
CREATE UNIQUE INDEX "activities_event_idx" ON "activities" USING btree ("event_id");
--> statement-breakpoint
-- Ac1: entries written before the timeline was typed take the union's shape (timeline/wire.ts):
-- the kind's fields and `actor` in data, the source one of TimelineSource.
UPDATE "activities" a SET
  "source" = 'edge',
  "data" = jsonb_build_object(
    'doorEventId', coalesce((a."data"->>'doorEventId')::bigint, 0),
    'door', jsonb_build_object(
      'id', coalesce(a."data"->>'doorId', (SELECT e."door_id"::text FROM "door_events" e WHERE e."id" = (a."data"->>'doorEventId')::bigint), ''),
      'name', coalesce(a."data"->>'doorName', (SELECT d."name" FROM "door_events" e JOIN "doors" d ON d."id" = e."door_id" WHERE e."id" = (a."data"->>'doorEventId')::bigint), 'Deleted door')),
    'device', jsonb_build_object(
      'id', coalesce(a."data"->>'deviceId', (SELECT e."device_id"::text FROM "door_events" e WHERE e."id" = (a."data"->>'doorEventId')::bigint), ''),
      'name', coalesce(a."data"->>'deviceName', nullif(substring(a."source" from 6), ''), 'A device')),
    'actor', null)
WHERE a."type" = 'door_entry' AND NOT a."data" ? 'door';
--> statement-breakpoint
UPDATE "activities" a SET
  "data" = jsonb_build_object(
    'booking', jsonb_build_object(
      'id', a."data"->>'bookingId',
      'service', jsonb_build_object('id', a."data"->>'serviceId', 'name', coalesce(a."data"->>'serviceName', 'A service')),
      'startsAt', a."data"->>'startsAt',
      'timezone', coalesce(a."data"->>'timezone', 'UTC'),
      'partySize', coalesce((a."data"->>'partySize')::int, 1)),
    'actor', null)
    || CASE WHEN a."type" = 'booking_cancelled' THEN '{"cancelledBy": "staff"}'::jsonb ELSE '{}'::jsonb END
WHERE a."type" IN ('booking_confirmed', 'booking_cancelled') AND NOT a."data" ? 'booking';
