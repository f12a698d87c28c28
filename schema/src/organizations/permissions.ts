import { z } from 'zod';
import type { Role } from './wire.ts';

/**
 * Everything a staff member may be allowed to do, as `<area>.<verb>`, each with what it allows.
 * Declared once: the server checks routes and socket events against these names, the web can hide
 * what a user may not do by the same names, and roles (built-in now, custom later) are sets of them.
 */
export const permissionDescriptions = {
  'customers.view': 'See customers and the directory: the list, profiles, photos, history, timeline, companies, tags, custom fields, segments and lists',
  'customers.edit': 'Add customers and change their details and photo',
  'customers.delete': 'Delete a customer with everything that belongs to them',
  'customers.erase': "Erase a customer's personal data on request, keeping the anonymous record",
  'customers.bulk': 'Tag, untag or add to a marketing list many customers at once',
  'customers.export': 'Download customers as CSV',
  'customers.import': 'Import customers from CSV files, see the import history and undo an import',
  'companies.edit': 'Create and rename companies, link and unlink their people',
  'companies.domains': "Add or remove a company's email domains (people at them are linked automatically)",
  'companies.delete': 'Delete a company and its links',
  'tags.create': 'Create custom tags',
  'tags.edit': 'Rename or recolor tags',
  'tags.delete': 'Delete custom tags',
  'fields.define': 'Define custom fields and change their label, options and position',
  'fields.delete': "Delete a custom field with every customer's value of it",
  'segments.manage': 'Save and delete segments',
  'lists.create': 'Create marketing lists',
  'lists.delete': 'Delete marketing lists',
  'doors.view': 'See doors, edge devices, the door log, and who may open which door',
  'doors.manage': 'Add, change and delete doors',
  'devices.manage': 'Add, change and revoke edge devices and give them pairing codes',
  'access.grant': 'Grant door permissions and change their window (a longer one widens access)',
  'access.revoke': 'Revoke door permissions',
  'credentials.issue': 'Issue cards, fobs, barcodes and wallet passes',
  'credentials.revoke': 'Revoke credentials',
  'bookings.view': "See customers' bookings and the services offered",
  'bookings.cancel': 'Cancel bookings',
  'services.manage': 'Offer, change and delete bookable services and their opening hours',
  'notes.view': 'Read and search notes and download their attachments',
  'notes.write': 'Edit notes, mention colleagues, attach and delete files',
  'settings.manage': "Change the organization's settings (time zone, country, tag limit)",
} as const satisfies Record<`${string}.${string}`, string>;

export type Permission = keyof typeof permissionDescriptions;

/** Every permission name, in the order above (areas together). */
export const permissions = Object.keys(permissionDescriptions) as Permission[];

export const PermissionNameSchema = z.enum(permissions as [Permission, ...Permission[]]);

/**
 * What each built-in role may do. Owners may do everything; managers too, for now; staff (the
 * front desk) everything but deleting or erasing data, exports, and setting the venue up.
 */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  owner: permissions,
  manager: permissions,
  staff: [
    'customers.view',
    'customers.edit',
    'customers.bulk',
    'companies.edit',
    'companies.domains',
    'tags.create',
    'tags.edit',
    'fields.define',
    'segments.manage',
    'lists.create',
    'doors.view',
    'access.grant',
    'access.revoke',
    'credentials.issue',
    'credentials.revoke',
    'bookings.view',
    'bookings.cancel',
    'notes.view',
    'notes.write',
  ],
};
