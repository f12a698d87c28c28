import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { DevicePairing, EdgeDevice as EdgeDeviceAnswer } from '@foyer/schema/validation';
import type { Db, DbOrTx } from '../../platform/db/connect.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { writeEvent } from '../../platform/outbox.ts';
import { FailureLimiter } from '../../platform/rate-limit.ts';
import { existingDoorIds } from '../doors/repository.ts';
import * as repo from './repository.ts';
import { hashToken } from '../auth/service.ts';
import { withEdgeChange, type EdgeDevice } from './sync-service.ts';

export type Device = EdgeDeviceAnswer;

/** A pairing code, shown once to the person setting the device up. */
export type { DevicePairing };

export type PairResult = { deviceId: string; secret: string; credentialKey: string };

export const PAIRING_TTL_MS = 15 * 60_000;
/**
 * No 0, O, 1 or I: read off a screen and typed on a Pi's console without doubt. 32 symbols, so
 * `byte % 32` picks each equally often.
 */
const PAIRING_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const PAIRING_LENGTH = 8;

export const newPairingCode = () => Array.from(randomBytes(PAIRING_LENGTH), (b) => PAIRING_ALPHABET[b % PAIRING_ALPHABET.length]).join('');

/** Codes are typed by people: case, spaces and dashes do not matter. */
const normalizeCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

const iso = (d: Date | null) => d?.toISOString() ?? null;

const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** O1, Da2: edge devices: created with a pairing code, paired for a secret, given doors, revoked. */
export class EdgeDeviceService {
  // Pairing is public: twenty wrong codes per address in fifteen minutes, then wait.
  private readonly pairFailures = new FailureLimiter(20, 15 * 60_000);
  /** Devices with a live connection to this node, kept by the edge channel. */
  private readonly connected = new Set<string>();

  constructor(private readonly db: Db) {}

  private toDto = (d: repo.DeviceRow): Device => ({
    id: d.id,
    name: d.name,
    doorIds: d.doorIds,
    paired: d.pairedAt !== null,
    pairedAt: iso(d.pairedAt),
    pairingExpiresAt: iso(d.pairingExpiresAt),
    online: this.connected.has(d.id),
    lastSeenAt: iso(d.lastSeenAt),
    createdAt: d.createdAt.toISOString(),
  });

  async list(orgId: string): Promise<{ items: Device[] }> {
    return { items: (await repo.listDevices(this.db, orgId)).map(this.toDto) };
  }

  async get(orgId: string, id: string): Promise<Device> {
    return this.toDto(await this.load(this.db, orgId, id));
  }

  /** A new device and its one-time pairing code; it drives `doorIds` once paired. */
  async create(orgId: string, input: { name: string; doorIds?: string[] }): Promise<DevicePairing> {
    const code = newPairingCode();
    const pairingExpiresAt = new Date(Date.now() + PAIRING_TTL_MS);
    // Through an edge change so the organization's version is never 0 once a device exists: a
    // fresh agent says hello with version 0 and must get a snapshot, even of no permissions.
    const device = await withEdgeChange(this.db, orgId, async (tx) => {
      const doorIds = await this.ownDoors(tx, orgId, input.doorIds ?? []);
      const id = await repo.insertDevice(tx, orgId, { name: input.name, pairingCodeHash: hashToken(code), pairingExpiresAt });
      await repo.setDeviceDoors(tx, id, doorIds);
      return this.load(tx, orgId, id);
    });
    return { device: this.toDto(device), pairingCode: code, pairingExpiresAt: pairingExpiresAt.toISOString() };
  }

  /** Renames and/or gives the device other doors; a device online gets its new doors at once. */
  async update(orgId: string, id: string, patch: { name?: string; doorIds?: string[] }): Promise<Device> {
    const device = await withEdgeChange(this.db, orgId, async (tx, touched) => {
      await this.load(tx, orgId, id);
      if (patch.name !== undefined) await repo.renameDevice(tx, orgId, id, patch.name);
      if (patch.doorIds) {
        await repo.setDeviceDoors(tx, id, await this.ownDoors(tx, orgId, patch.doorIds));
        touched.deviceIds = [id];
      }
      return this.load(tx, orgId, id);
    });
    return this.toDto(device);
  }

  /** A new pairing code for a device set up again (a new SD card); its old secret works until the code is used. */
  async renewPairingCode(orgId: string, id: string): Promise<DevicePairing> {
    const code = newPairingCode();
    const pairingExpiresAt = new Date(Date.now() + PAIRING_TTL_MS);
    if (!(await repo.setPairingCode(this.db, orgId, id, hashToken(code), pairingExpiresAt))) throw notFound('Device');
    return { device: await this.get(orgId, id), pairingCode: code, pairingExpiresAt: pairingExpiresAt.toISOString() };
  }

  /**
   * Revoked for good: its secret stops working, and `edge.device.signedOut` (written with the
   * revocation) closes its connections on whichever node they are.
   */
  async revoke(orgId: string, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await repo.revokeDevice(tx, orgId, id))) throw notFound('Device');
      await writeEvent(tx, { orgId, name: 'edge.device.signedOut', payload: { deviceId: id, revoked: true } });
    });
  }

  /**
   * The public pairing trade: a live code for the device's secret (shown once, kept hashed) and the
   * organization's credential key. Unknown, used and expired codes are refused alike.
   */
  async pair(code: string, address: string): Promise<PairResult> {
    const wait = this.pairFailures.retryAfter(address);
    if (wait > 0)
      throw new AppError(429, 'too_many_attempts', `Too many pairing attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`, undefined, {
        'retry-after': String(wait),
      });
    const secret = randomBytes(32).toString('base64url');
    const device = await this.db.transaction(async (tx) => {
      const redeemed = await repo.redeemPairingCode(tx, hashToken(normalizeCode(code)), hashToken(secret));
      // Paired anew: whatever still runs with the old secret must go, on every node.
      if (redeemed) await writeEvent(tx, { orgId: redeemed.orgId, name: 'edge.device.signedOut', payload: { deviceId: redeemed.id } });
      return redeemed;
    });
    if (!device) {
      this.pairFailures.fail(address);
      throw new AppError(401, 'pairing_refused', 'This pairing code does not work. Codes work once, for 15 minutes: create a new one in Foyer.');
    }
    const key = await repo.credentialKeyOf(this.db, device.orgId);
    return { deviceId: device.id, secret, credentialKey: key.toString('base64') };
  }

  /**
   * The device a socket handshake names, when its secret is right and it is not revoked;
   * `'revoked'` when the secret is right but staff revoked it (only the device itself learns that:
   * it wipes its cache on hearing it); undefined otherwise.
   */
  async authenticate(deviceId: unknown, secret: unknown): Promise<(EdgeDevice & { secretHash: string }) | 'revoked' | undefined> {
    if (typeof deviceId !== 'string' || typeof secret !== 'string' || secret.length > 100) return undefined;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(deviceId)) return undefined;
    const row = await repo.findDeviceSecret(this.db, deviceId);
    if (!row || !row.secretHash || !sameHash(row.secretHash, hashToken(secret))) return undefined;
    if (row.revokedAt) return 'revoked';
    return { id: row.id, orgId: row.orgId, name: row.name, secretHash: row.secretHash };
  }

  /** The hash of the device's secret now (null before it is paired; undefined for no such device). */
  async secretHashOf(deviceId: string): Promise<string | null | undefined> {
    return (await repo.findDeviceSecret(this.db, deviceId))?.secretHash;
  }

  /** The highest seq stored (or refused for good) for the device without a gap: what `hello` tells it. */
  storedThrough(deviceId: string): Promise<number> {
    return repo.storedThroughOf(this.db, deviceId);
  }

  online(deviceId: string, isOnline: boolean) {
    if (isOnline) this.connected.add(deviceId);
    else this.connected.delete(deviceId);
  }

  seen(deviceId: string) {
    return repo.touchDevice(this.db, deviceId);
  }

  private async load(db: DbOrTx, orgId: string, id: string) {
    const device = await repo.findDevice(db, orgId, id);
    if (!device) throw notFound('Device');
    return device;
  }

  /** The ids, once each, when every one is a door of the organization; otherwise a 404. */
  private async ownDoors(db: DbOrTx, orgId: string, doorIds: string[]): Promise<string[]> {
    const unique = [...new Set(doorIds)];
    const known = await existingDoorIds(db, orgId, unique);
    if (known.size !== unique.length) throw notFound('Door');
    return unique;
  }
}
