import type { Demand } from '../../platform/permissions.ts';
import type { Db } from '../../platform/db/connect.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import * as repo from './repository.ts';
import { writeEvent } from '../../platform/outbox.ts';
import type { NoteService } from './service.ts';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** What may be attached, by declared type, with the leading bytes the file must really have. */
const ALLOWED: Record<string, { label: string; magic?: number[][] }> = {
  'image/jpeg': { label: 'JPEG', magic: [[0xff, 0xd8, 0xff]] },
  'image/png': { label: 'PNG', magic: [[0x89, 0x50, 0x4e, 0x47]] },
  'image/gif': { label: 'GIF', magic: [[0x47, 0x49, 0x46, 0x38]] },
  'image/webp': { label: 'WebP', magic: [[0x52, 0x49, 0x46, 0x46]] },
  'application/pdf': { label: 'PDF', magic: [[0x25, 0x50, 0x44, 0x46]] },
  'text/plain': { label: 'plain text' },
  'text/csv': { label: 'CSV' },
  'application/msword': { label: 'Word', magic: [[0xd0, 0xcf, 0x11, 0xe0]] },
  'application/vnd.ms-excel': { label: 'Excel', magic: [[0xd0, 0xcf, 0x11, 0xe0]] },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { label: 'Word', magic: [[0x50, 0x4b, 0x03, 0x04]] },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { label: 'Excel', magic: [[0x50, 0x4b, 0x03, 0x04]] },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { label: 'PowerPoint', magic: [[0x50, 0x4b, 0x03, 0x04]] },
  'application/vnd.oasis.opendocument.text': { label: 'OpenDocument', magic: [[0x50, 0x4b, 0x03, 0x04]] },
  'application/vnd.oasis.opendocument.spreadsheet': { label: 'OpenDocument', magic: [[0x50, 0x4b, 0x03, 0x04]] },
};
export const ATTACHMENT_TYPES = Object.keys(ALLOWED);
const KINDS = 'images (JPEG, PNG, GIF, WebP), PDF, plain text, CSV and office documents';

export type NoteAttachment = {
  id: string;
  fileName: string;
  contentType: string;
  byteSize: number;
  createdAt: string;
  uploadedBy: { userId: string; name: string } | null;
};

const toWire = (r: Awaited<ReturnType<typeof repo.listAttachments>>[number]): NoteAttachment => ({
  id: r.id,
  fileName: r.fileName,
  contentType: r.contentType,
  byteSize: r.byteSize,
  createdAt: r.createdAt.toISOString(),
  uploadedBy: r.uploadedBy ? { userId: r.uploadedBy, name: r.uploaderName ?? 'A colleague' } : null,
});

/** A file name safe to store and to echo in a header: no path, no control characters, not too long. */
const cleanName = (name: string) =>
  (name.split(/[\\/]/).pop() ?? '')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 200) || 'attachment';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** N1: files attached to a customer's notes; staff only, like the notes. */
export class NoteAttachmentService {
  constructor(
    private readonly db: Db,
    private readonly notes: NoteService,
  ) {}

  async #customer(orgId: string, ref: string) {
    const customer = await this.notes.customerFor(orgId, ref);
    if (!customer) throw notFound();
    return customer;
  }

  async list(orgId: string, ref: string) {
    const customer = await this.#customer(orgId, ref);
    return { items: (await repo.listAttachments(this.db, orgId, customer.id)).map(toWire) };
  }

  async upload(actor: { orgId: string; userId: string }, ref: string, file: unknown): Promise<NoteAttachment> {
    const customer = await this.#customer(actor.orgId, ref);
    if (!(file instanceof File)) throw invalid('Send the file as multipart/form-data in the field "file"', [{ field: 'file', message: 'Attach a file' }]);
    if (file.size === 0) throw invalid('The file is empty', [{ field: 'file', message: 'The file is empty' }]);
    if (file.size > MAX_ATTACHMENT_BYTES)
      throw new AppError(413, 'file_too_large', 'The file is over the 10 MB limit', [{ field: 'file', message: 'At most 10 MB' }]);
    const type = file.type.split(';')[0]!.trim().toLowerCase();
    const rule = ALLOWED[type];
    if (!rule) throw invalid(`Files of type ${type || 'unknown'} cannot be attached`, [{ field: 'file', message: `Attach ${KINDS}` }]);
    const data = Buffer.from(await file.arrayBuffer());
    if (rule.magic && !rule.magic.some((m) => m.every((b, i) => data[i] === b)))
      throw invalid(`The file is not really ${rule.label}`, [{ field: 'file', message: `The file's content is not ${rule.label}` }]);
    if (!rule.magic && data.includes(0)) throw invalid('The file is not text', [{ field: 'file', message: 'A text file has no binary content' }]);
    const id = await this.db.transaction(async (tx) => {
      const id = await repo.insertAttachment(tx, {
        orgId: actor.orgId,
        customerId: customer.id,
        fileName: cleanName(file.name),
        contentType: type,
        byteSize: data.byteLength,
        data,
        uploadedBy: actor.userId,
      });
      await writeEvent(tx, {
        orgId: actor.orgId,
        name: 'note.attachment.added',
        payload: { customerId: customer.id, attachmentId: id, actorUserId: actor.userId },
      });
      return id;
    });
    return toWire((await repo.listAttachments(this.db, actor.orgId, customer.id, id))[0]!);
  }

  async download(orgId: string, ref: string, id: string) {
    const customer = await this.#customer(orgId, ref);
    const row = uuidPattern.test(id) ? await repo.readAttachment(this.db, orgId, customer.id, id) : undefined;
    if (!row) throw notFound('Attachment');
    return row;
  }

  /** One's own attachment goes with notes.write; someone else's needs `demand` to pass (notes.moderate). */
  async remove(actor: { orgId: string; userId: string }, ref: string, id: string, demand: Demand = () => {}) {
    const customer = await this.#customer(actor.orgId, ref);
    const found = uuidPattern.test(id) ? await repo.attachmentUploader(this.db, actor.orgId, customer.id, id) : undefined;
    if (!found) throw notFound('Attachment');
    if (found.uploadedBy !== actor.userId) demand('notes.moderate', 'delete an attachment someone else attached');
    if (!(await repo.deleteAttachment(this.db, actor.orgId, customer.id, id))) throw notFound('Attachment');
  }
}

/** `attachment` with an ASCII fallback name and the real one in RFC 5987 form. */
export function contentDisposition(fileName: string) {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
