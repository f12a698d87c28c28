import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { deviceDoors, edgeDevices, organizations } from '@foyer/schema/tables';
import type { DbOrTx } from '../../platform/db/connect.ts';

export type DeviceRow = {
  id: string;
  orgId: string;
  name: string;
  doorIds: string[];
  pairingExpiresAt: Date | null;
  pairedAt: Date | null;
  lastSeenAt: Date | null;
  createdAt: Date;
};

/** What signing a device in needs; never leaves the server. */
export type DeviceSecretRow = { id: string; orgId: string; name: string; secretHash: string | null; revokedAt: Date | null };

const live = (orgId: string) => and(eq(edgeDevices.orgId, orgId), isNull(edgeDevices.revokedAt));

function selectDevices(db: DbOrTx) {
  return db
    .select({
      id: edgeDevices.id,
      orgId: edgeDevices.orgId,
      name: edgeDevices.name,
      doorIds: sql<string[]>`coalesce((select array_agg(dd.door_id order by dd.door_id) from ${deviceDoors} dd where dd.device_id = ${edgeDevices.id}), '{}')`,
      pairingExpiresAt: edgeDevices.pairingExpiresAt,
      pairedAt: edgeDevices.pairedAt,
      lastSeenAt: edgeDevices.lastSeenAt,
      createdAt: edgeDevices.createdAt,
    })
    .from(edgeDevices);
}

/** The organization's devices that were not revoked, oldest first. */
export async function listDevices(db: DbOrTx, orgId: string): Promise<DeviceRow[]> {
  return selectDevices(db).where(live(orgId)).orderBy(asc(edgeDevices.createdAt));
}

export async function findDevice(db: DbOrTx, orgId: string, id: string): Promise<DeviceRow | undefined> {
  const [row] = await selectDevices(db).where(and(live(orgId), eq(edgeDevices.id, id)));
  return row;
}

/** A device by id alone: the socket handshake names no organization. */
export async function findDeviceSecret(db: DbOrTx, id: string): Promise<DeviceSecretRow | undefined> {
  const [row] = await db
    .select({
      id: edgeDevices.id,
      orgId: edgeDevices.orgId,
      name: edgeDevices.name,
      secretHash: edgeDevices.secretHash,
      revokedAt: edgeDevices.revokedAt,
    })
    .from(edgeDevices)
    .where(eq(edgeDevices.id, id));
  return row;
}

export async function insertDevice(tx: DbOrTx, orgId: string, values: { name: string; pairingCodeHash: string; pairingExpiresAt: Date }) {
  const [row] = await tx
    .insert(edgeDevices)
    .values({ orgId, ...values })
    .returning({ id: edgeDevices.id });
  return row!.id;
}

export async function renameDevice(tx: DbOrTx, orgId: string, id: string, name: string) {
  await tx
    .update(edgeDevices)
    .set({ name })
    .where(and(live(orgId), eq(edgeDevices.id, id)));
}

/** Replaces the device's doors; the ids must be the organization's (the caller checks). */
export async function setDeviceDoors(tx: DbOrTx, deviceId: string, doorIds: string[]) {
  await tx.delete(deviceDoors).where(eq(deviceDoors.deviceId, deviceId));
  if (doorIds.length) await tx.insert(deviceDoors).values(doorIds.map((doorId) => ({ deviceId, doorId })));
}

/** A new one-time pairing code for a live device; its secret stays valid until the code is used. */
export async function setPairingCode(tx: DbOrTx, orgId: string, id: string, pairingCodeHash: string, pairingExpiresAt: Date) {
  const rows = await tx
    .update(edgeDevices)
    .set({ pairingCodeHash, pairingExpiresAt })
    .where(and(live(orgId), eq(edgeDevices.id, id)))
    .returning({ id: edgeDevices.id });
  return rows.length > 0;
}

/**
 * Trades a live, unexpired pairing code for a new secret in one statement: the code is cleared as
 * it is used, so two devices racing with one code cannot both win.
 */
export async function redeemPairingCode(db: DbOrTx, pairingCodeHash: string, secretHash: string) {
  const [row] = await db
    .update(edgeDevices)
    .set({ secretHash, pairedAt: sql`now()`, pairingCodeHash: null, pairingExpiresAt: null })
    .where(and(eq(edgeDevices.pairingCodeHash, pairingCodeHash), gt(edgeDevices.pairingExpiresAt, sql`now()`), isNull(edgeDevices.revokedAt)))
    .returning({ id: edgeDevices.id, orgId: edgeDevices.orgId });
  return row;
}

/** Revoked devices keep their row: the door log still names them. */
export async function revokeDevice(tx: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const rows = await tx
    .update(edgeDevices)
    // The secret's hash stays: revoked_at refuses the device, and the hash lets the handshake tell
    // that device (and only it) that it was revoked, so it wipes its cache instead of retrying.
    .set({ revokedAt: sql`now()`, pairingCodeHash: null, pairingExpiresAt: null })
    .where(and(live(orgId), eq(edgeDevices.id, id)))
    .returning({ id: edgeDevices.id });
  return rows.length > 0;
}

export async function storedThroughOf(db: DbOrTx, id: string): Promise<number> {
  const [row] = await db.select({ storedThrough: edgeDevices.storedThrough }).from(edgeDevices).where(eq(edgeDevices.id, id));
  return row?.storedThrough ?? 0;
}

export async function touchDevice(db: DbOrTx, id: string) {
  await db
    .update(edgeDevices)
    .set({ lastSeenAt: sql`now()` })
    .where(eq(edgeDevices.id, id));
}

/** The organization's credential key (R2), which the device hashes with as the server does. */
export async function credentialKeyOf(db: DbOrTx, orgId: string): Promise<Buffer> {
  const [row] = await db.select({ key: organizations.credentialKey }).from(organizations).where(eq(organizations.id, orgId));
  return row!.key;
}
