import type { Me, Permission } from '@foyer/schema/validation';

/**
 * Whether the signed-in user may do that, from the permissions `/api/auth/me` lists (their role's,
 * built-in or custom): the UI hides what they may not do. The server refuses it anyway.
 */
export const can = (me: Pick<Me, 'user'>, permission: Permission): boolean => me.user.permissions.includes(permission);

/** How the user's role reads: a custom role by its name, a built-in one capitalised. */
export const roleName = (user: Pick<Me['user'], 'role' | 'customRole'>): string =>
  user.customRole?.name ?? { owner: 'Owner', manager: 'Manager', staff: 'Staff' }[user.role];
