import {
  CONTROL_CHARACTERS,
  EdgeEventSchema,
  fromSystemId,
  systemIdPattern,
  toSystemId,
  type EdgeEvent,
  type QuarantinedEvent,
} from '@foyer/schema/validation';
import type { DoorLogEntry } from '@foyer/schema/realtime';
import type { Db } from '../../platform/db/connect.ts';
import { writeEvent } from '../../platform/outbox.ts';
import * as repo from './events-repository.ts';
import { doorsOfDevice } from '../edge/sync-repository.ts';
import { invalid } from '../../platform/errors.ts';
import type { EdgeDevice } from '../edge/sync-service.ts';

/** At most this many events in one `events` message; the agent sends its journal in batches below it. */
export const MAX_EVENT_BATCH = 1000;

/** An event that will never be stored, with its seq when it had a usable one, and the event as sent. */
export type Refusal = { seq: number | null; reason: string; raw?: unknown };

/** A page of the log; the next one is asked for with `before` = the last item's id. */
export type DoorLogPage = { items: DoorLogEntry[]; pageSize: number; hasMore: boolean };

export type RecordOutcome = { storedThrough: number; stored: DoorLogEntry[]; refused: Refusal[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The agent echoes the 32-hex ids it was sent; a dashed UUID is read too. */
const customerUuid = (id: string) => (systemIdPattern.test(id) ? fromSystemId(id) : UUID.test(id) ? id.toLowerCase() : undefined);

/** The customer id an event (even a malformed one) names, as a UUID, if it reads as one. */
const rawCustomerId = (raw: unknown): string | undefined => {
  const id = (raw as { customerId?: unknown } | null)?.customerId;
  return typeof id === 'string' ? customerUuid(id) : undefined;
};

/** The event made storable in jsonb, for staff to read: control characters and broken surrogates shown as U+FFFD, text cut. */
export function storableEvent(raw: unknown): unknown {
  const clean = (v: string) =>
    v
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      .replace(new RegExp(CONTROL_CHARACTERS.source, 'g'), '\uFFFD')
      .slice(0, 500);
  const text = JSON.stringify(raw === undefined ? null : raw, (_key, value: unknown) => {
    if (typeof value === 'string') return clean(value);
    if (value && typeof value === 'object' && !Array.isArray(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), v]));
    return value;
  });
  return text.length > 8000 ? { truncated: text.slice(0, 8000) } : JSON.parse(text);
}

/** PostgreSQL's timestamptz holds 4713 BC–294276 AD; the agent writes times with toISOString, so 0001–9999 is what a real one is. */
const storableTime = (t: number) => t >= -62_135_596_800_000 && t < 253_402_300_800_000;

const seqOf = (raw: unknown): number | null => {
  const seq = (raw as { seq?: unknown } | null)?.seq;
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1 ? seq : null;
};

export function toLogEntry(r: repo.DoorLogRow): DoorLogEntry {
  return {
    id: r.id,
    at: r.occurredAt.toISOString(),
    deviceId: r.deviceId,
    deviceName: r.deviceName,
    doorId: r.doorId,
    doorName: r.doorName ?? 'Deleted door',
    kind: r.kind,
    result: r.result,
    reason: r.reason,
    credentialMasked: r.credentialMasked,
    customer: r.customerId
      ? { id: toSystemId(r.customerId), customerNumber: r.customerNumber ?? '', name: [r.firstName, r.lastName].filter(Boolean).join(' ') }
      : null,
  };
}

type Checked = { event: EdgeEvent; occurredAt: Date; customerId: string | null };

/** Da2: what devices report, stored once per (device, seq), and the door log staff read. */
export class DoorEventService {
  constructor(private readonly db: Db) {}

  /**
   * Stores a batch from a device: each event validated, each (device, seq) once, every granted
   * visit said on the outbox (door.visited: the timeline and whoever else cares hear of it). Events that can never be stored (malformed, another door,
   * another organization's customer) are refused for good, so the acknowledgement moves past them.
   */
  async record(device: EdgeDevice, batch: unknown[]): Promise<RecordOutcome> {
    const refused: Refusal[] = [];
    const parsed = new Map<number, EdgeEvent>();
    for (const raw of batch) {
      const result = EdgeEventSchema.safeParse(raw);
      if (!result.success)
        refused.push({ seq: seqOf(raw), raw, reason: `malformed: ${result.error.issues.map((i) => i.path.join('.') || '(event)').join(', ')}` });
      else if (!parsed.has(result.data.seq)) parsed.set(result.data.seq, result.data);
    }

    const { storedThrough, storedIds } = await this.db.transaction(async (tx) => {
      const { storedThrough: watermark } = await repo.lockDevice(tx, device.id);
      const doors = new Map((await doorsOfDevice(tx, device.orgId, device.id)).map((d) => [d.id, d.name]));
      const wanted = batch.map(rawCustomerId).filter((id): id is string => !!id);
      const ownCustomers = await repo.customersOfOrg(tx, device.orgId, wanted);
      const decidedBefore = await repo.rejectedSeqs(tx, device.id, [...parsed.keys()]);

      const valid: Checked[] = [];
      for (const event of parsed.values()) {
        if (decidedBefore.has(event.seq)) continue;
        const problem = this.problemWith(event, doors, ownCustomers);
        if (problem) refused.push({ seq: event.seq, reason: problem, raw: event });
        else valid.push({ event, occurredAt: new Date(event.at), customerId: event.customerId && customerUuid(event.customerId)! });
      }

      const stored = await repo.insertNewEvents(
        tx,
        valid.map(({ event: e, occurredAt, customerId }) => ({
          orgId: device.orgId,
          deviceId: device.id,
          seq: e.seq,
          doorId: e.doorId,
          kind: e.kind,
          result: e.result,
          reason: e.reason,
          credentialHash: e.credentialHash,
          credentialMasked: e.credentialMasked,
          customerId,
          occurredAt,
        })),
      );
      const visits = stored.filter((s) => s.kind === 'access' && s.result === 'granted' && s.customerId);
      // Each granted visit goes on its customer's timeline (the timeline domain's subscriber writes it).
      for (const v of visits) await writeEvent(tx, { orgId: device.orgId, name: 'door.visited', payload: { doorEventId: v.id, customerId: v.customerId! } });
      await repo.markCustomersActive(
        tx,
        device.orgId,
        visits.map((v) => ({ customerId: v.customerId!, at: v.occurredAt })),
      );
      await repo.insertRejects(
        tx,
        device,
        refused.flatMap((r) => {
          if (r.seq === null) return [];
          const customerId = rawCustomerId(r.raw);
          return [{ seq: r.seq, reason: r.reason, event: storableEvent(r.raw), customerId: customerId && ownCustomers.has(customerId) ? customerId : null }];
        }),
      );
      return { storedThrough: await repo.advanceWatermark(tx, device.id, watermark), storedIds: stored.map((s) => s.id) };
    });

    const stored = (await repo.logRowsByIds(this.db, device.orgId, storedIds)).map(toLogEntry);
    return { storedThrough, stored, refused };
  }

  /** The last 100 events this device sent that were quarantined, newest first. */
  async quarantine(deviceId: string): Promise<{ items: QuarantinedEvent[] }> {
    const rows = await repo.quarantineOf(this.db, deviceId, 100);
    return { items: rows.map((r) => ({ seq: r.seq, reason: r.reason, event: r.event ?? null, receivedAt: r.receivedAt.toISOString() })) };
  }

  /** The door log, newest first, from just before the entry `before` (its id) when given. */
  async page(orgId: string, before: number | undefined, pageSize: number): Promise<DoorLogPage> {
    if (before !== undefined && !(await repo.isLogEntryOf(this.db, orgId, before)))
      throw invalid('No such door log entry', [{ field: 'before', message: 'No entry of this log has this id' }]);
    const rows = await repo.pageOfLog(this.db, orgId, before, pageSize + 1);
    return { items: rows.slice(0, pageSize).map(toLogEntry), pageSize, hasMore: rows.length > pageSize };
  }

  private problemWith(event: EdgeEvent, doors: Map<string, string>, ownCustomers: Set<string>): string | undefined {
    const at = Date.parse(event.at);
    if (Number.isNaN(at)) return 'at is not a time';
    if (!storableTime(at)) return 'at is outside the years 0001–9999';
    if (!doors.has(event.doorId)) return 'not a door of this device';
    if (event.customerId !== null) {
      const id = customerUuid(event.customerId);
      if (!id || !ownCustomers.has(id)) return 'not a customer of this organization';
    }
    return undefined;
  }
}
