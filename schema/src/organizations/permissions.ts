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
  'customers.browse': 'List more than 50 customers at once (pages of up to 200)',
  'customers.ban': 'Ban a customer, or lift a ban',
  'customers.renumber': "Change a customer's number",
  'customers.bulk': 'Tag, untag or add to a marketing list the customers chosen in the list',
  'segments.bulk': 'Tag, untag or add to a marketing list every customer of a segment or list query at once (a background job)',
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
  'bookings.cancel': 'Cancel bookings one took oneself',
  'bookings.manage': "Cancel any booking: online ones and colleagues'",
  'services.manage': 'Offer, change and delete bookable services and their opening hours',
  'notes.view': 'Read and search notes and download their attachments',
  'notes.write': 'Edit notes, mention colleagues, attach files and delete the ones one attached',
  'notes.moderate': 'Delete note attachments other people attached',
  'bookings.take': 'Take bookings at the desk or by phone, move them, check guests in and mark no-shows',
  'analytics.view': "See the customer-value models fitted to the organization's purchases (parameters, fit, the model chosen)",
  'orders.view': "See orders, payments and refunds, and customers' figures",
  'orders.create': 'Record orders, and take payments for orders and bookings',
  'orders.cancel': 'Cancel orders that have no payment left on them',
  'payments.refund': 'Refund payments of orders and bookings',
  'enquiries.view': 'See the enquiries inbox and what each enquiry asked',
  'enquiries.manage': 'Assign enquiries and move them on (in progress, won, lost)',
  'settings.manage': "Change the organization's settings (time zone, country, currency, lifecycle, tag limit)",
  'apikeys.manage': 'Create and revoke API keys for integrations (a till, the website)',
  'team.view': 'See the team: members, their roles and last sign-in, and the roles',
  'team.manage': 'Invite members, change their role, deactivate them, give password reset links, and define custom roles',
} as const satisfies Record<`${string}.${string}`, string>;

export type Permission = keyof typeof permissionDescriptions;

/** Every permission name, in the order above (areas together). */
export const permissions = Object.keys(permissionDescriptions) as Permission[];

export const PermissionNameSchema = z.enum(permissions as [Permission, ...Permission[]]);

/**
 * What each built-in role may do. Owners may do everything; managers everything but managing the
 * team (they may see it); staff (the front desk) view and edit customers, take and cancel their own
 * bookings, write notes and tag, but not what widens access (door permissions, credentials, bans),
 * reshapes data for everyone (tag names, custom fields, company domains, customer numbers), acts on
 * a whole segment or pages out the base, or undoes colleagues' work.
 */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  owner: permissions,
  // Owners alone manage the team, and make API keys (they act with their maker's permissions).
  manager: permissions.filter((p) => p !== 'team.manage' && p !== 'apikeys.manage'),
  staff: [
    'customers.view',
    'customers.edit',
    'customers.bulk',
    'companies.edit',
    'tags.create',
    'segments.manage',
    'lists.create',
    'doors.view',
    'access.revoke',
    'credentials.revoke',
    'bookings.view',
    'bookings.cancel',
    'bookings.take',
    'notes.view',
    'notes.write',
    'orders.view',
    'orders.create',
    'enquiries.view',
    'enquiries.manage',
  ],
};

/**
 * What a member may do: their custom role's permissions when they hold one (names no longer in the
 * vocabulary dropped, in the vocabulary's order), else their built-in role's.
 */
export function effectivePermissions(role: Role, customRolePermissions: readonly string[] | null | undefined): Permission[] {
  if (customRolePermissions) return permissions.filter((p) => customRolePermissions.includes(p));
  return [...rolePermissions[role]];
}
