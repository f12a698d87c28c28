import { and, eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { customerPhotos, customers } from '@foyer/schema/tables';
import type { Customer } from '@foyer/schema/validation';
import type { Db } from '../../platform/db/connect.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { Actor, CustomerService } from './service.ts';

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];
const PHOTO_SIZE = 512;

/** C6: a customer's photo, checked, turned upright, cropped square and stored as a small WebP. */
export class CustomerPhotoService {
  constructor(
    private readonly db: Db,
    private readonly customers: CustomerService,
  ) {}

  async set(actor: Actor, ref: string, contentType: string | undefined, body: ArrayBuffer): Promise<Customer> {
    const type = contentType?.split(';')[0]!.trim().toLowerCase();
    if (!type || !PHOTO_TYPES.includes(type))
      throw new AppError(415, 'unsupported_photo_type', `A photo is sent as ${PHOTO_TYPES.join(', ')}`, [
        { field: 'photo', message: `Send the image with content-type ${PHOTO_TYPES.join(', ')}` },
      ]);
    if (body.byteLength === 0) throw new AppError(400, 'empty_photo', 'The photo is empty', [{ field: 'photo', message: 'The photo is empty' }]);
    const id = await this.customers.idOf(actor.orgId, ref);
    const webp = await resize(Buffer.from(body));

    const versions = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .select({ version: customers.photoVersion, erasedAt: customers.erasedAt })
        .from(customers)
        .where(and(eq(customers.orgId, actor.orgId), eq(customers.id, id)))
        .for('update');
      if (!row) throw notFound();
      if (row.erasedAt) throw new AppError(409, 'erased', 'This customer was erased; their record can no longer change');
      await tx
        .insert(customerPhotos)
        .values({ customerId: id, orgId: actor.orgId, contentType: 'image/webp', bytes: webp })
        .onConflictDoUpdate({ target: customerPhotos.customerId, set: { bytes: webp, updatedAt: sql`now()` } });
      const after = (row.version ?? 0) + 1;
      await tx
        .update(customers)
        .set({ photoVersion: after, updatedAt: sql`now()` })
        .where(eq(customers.id, id));
      return { before: row.version, after };
    });
    await this.customers.recordPhotoChange(actor, id, versions.before, versions.after);
    return this.customers.get(actor.orgId, ref);
  }

  async remove(actor: Actor, ref: string): Promise<Customer> {
    const id = await this.customers.idOf(actor.orgId, ref);
    const before = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .select({ version: customers.photoVersion })
        .from(customers)
        .where(and(eq(customers.orgId, actor.orgId), eq(customers.id, id)))
        .for('update');
      await tx.delete(customerPhotos).where(and(eq(customerPhotos.orgId, actor.orgId), eq(customerPhotos.customerId, id)));
      await tx
        .update(customers)
        .set({ photoVersion: null, updatedAt: sql`now()` })
        .where(eq(customers.id, id));
      return row?.version ?? null;
    });
    if (before !== null) await this.customers.recordPhotoChange(actor, id, before, null);
    return this.customers.get(actor.orgId, ref);
  }

  async get(orgId: string, ref: string): Promise<{ contentType: string; bytes: Buffer }> {
    const id = await this.customers.idOf(orgId, ref);
    const [photo] = await this.db
      .select({ contentType: customerPhotos.contentType, bytes: customerPhotos.bytes })
      .from(customerPhotos)
      .where(and(eq(customerPhotos.orgId, orgId), eq(customerPhotos.customerId, id)));
    if (!photo) throw notFound('Photo');
    return photo;
  }
}

/** Decodes whatever the bytes really are (never trusting the content-type alone) and re-encodes. */
async function resize(input: Buffer): Promise<Buffer> {
  try {
    const image = sharp(input, { limitInputPixels: 50_000_000, animated: false });
    const { format } = await image.metadata();
    if (!format || !['jpeg', 'png', 'webp', 'gif'].includes(format)) throw new Error(`format ${format}`);
    return await image.rotate().resize(PHOTO_SIZE, PHOTO_SIZE, { fit: 'cover', withoutEnlargement: true }).webp({ quality: 82 }).toBuffer();
  } catch {
    throw new AppError(400, 'not_an_image', 'The file is not a JPEG, PNG, WebP or GIF image', [
      { field: 'photo', message: 'The file is not a JPEG, PNG, WebP or GIF image' },
    ]);
  }
}
