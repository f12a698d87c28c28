import type { Credential, DevicePairing, Door, DoorPermission, EdgeDevice, FieldIssue } from '@foyer/schema/validation';

// The door-access answers are declared once, in @foyer/schema, for the server and this client.
export type { Credential, DevicePairing, Door, DoorPermission, EdgeDevice };

/** A refusal from the API, carrying its `{ error: { code, message, issues } }` body. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: FieldIssue[];

  constructor(status: number, code: string, message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

const fallbackMessages: Record<number, string> = {
  400: 'The request was not accepted.',
  401: 'Your session has ended. Sign in again.',
  403: 'You do not have permission to do that.',
  404: 'Not found.',
  409: 'That conflicts with existing data.',
  429: 'Too many attempts. Wait a moment and try again.',
};

/** Reads an error response into an ApiFailure, whatever its body looks like. */
export async function toFailure(response: Response): Promise<ApiFailure> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON (proxy error page, empty body…)
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | null)?.error;
  const message =
    typeof error?.message === 'string' && error.message
      ? error.message
      : (fallbackMessages[response.status] ?? `Something went wrong (HTTP ${response.status}).`);
  const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
  const issues = Array.isArray(error?.issues)
    ? (error.issues as unknown[]).filter(
        (i): i is FieldIssue =>
          !!i && typeof (i as FieldIssue).field === 'string' && typeof (i as FieldIssue).message === 'string',
      )
    : [];
  return new ApiFailure(response.status, code, message, issues);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Sends one request and reads its answer: the parsed JSON body (undefined for 204), or an ApiFailure. */
async function send<T>(f: typeof fetch, path: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await f(path, { ...init, credentials: 'same-origin' });
  } catch {
    throw new ApiFailure(0, 'network', 'Could not reach the server. Check your connection and try again.');
  }
  if (!response.ok) throw await toFailure(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * A same-origin JSON call to the API from the browser (or with a load function's `fetch`).
 * Resolves to the parsed body (undefined for 204), rejects with ApiFailure.
 */
export async function api<T = unknown>(
  path: string,
  options: { method?: Method; body?: unknown; fetch?: typeof fetch } = {},
): Promise<T> {
  const { method = 'GET', body, fetch: f = fetch } = options;
  // The server only accepts mutations that are same-origin JSON requests, body or not.
  const json = body !== undefined || method !== 'GET';
  return send<T>(f, path, {
    method,
    headers: {
      accept: 'application/json',
      ...(json ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * Sends a file as the raw request body with its own content type (e.g. PUT
 * /api/customers/:ref/photo). Resolves to the parsed JSON answer, rejects with ApiFailure.
 */
export async function apiUpload<T = unknown>(path: string, file: Blob, options: { method?: 'PUT' | 'POST'; fetch?: typeof fetch } = {}): Promise<T> {
  const { method = 'PUT', fetch: f = fetch } = options;
  return send<T>(f, path, {
    method,
    headers: { accept: 'application/json', 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
}

/** GET /api/customers/:ref/deletion-impact: what goes with a customer when it is deleted (C9). */
export type DeletionImpact = { items: { what: string; count: number }[]; /** Audit entries that stay. */ historyKept?: number };

const SOMETHING_WENT_WRONG = 'Something went wrong. Try again.';

/** An ApiFailure's message, or a fallback for anything else that was thrown. */
export function failureMessage(e: unknown, fallback = SOMETHING_WENT_WRONG): string {
  return e instanceof ApiFailure ? e.message : fallback;
}

/** Whatever a call threw, as an ApiFailure: itself, or one without issues saying something went wrong. */
export function asFailure(e: unknown): ApiFailure {
  return e instanceof ApiFailure ? e : new ApiFailure(0, 'unknown', SOMETHING_WENT_WRONG);
}

// ————— The customer list: search, bulk actions, segments, marketing lists (issue 3, L4–L6) —————

/** The parsed output of one of @foyer/schema's zod schemas, without importing zod here. */
type Output<S> = S extends { _zod: { output: infer O } } ? O : never;
export type Segment = Output<typeof import('@foyer/schema/validation').SegmentSchema>;
export type MarketingList = Output<typeof import('@foyer/schema/validation').MarketingListSchema>;
export type BulkResult = Output<typeof import('@foyer/schema/validation').BulkResultSchema>;
export type DirectorySettings = Output<typeof import('@foyer/schema/validation').SettingsSchema>;

/** GET /api/customers?<query>: a page of the list; `search` is a query string, with or without `?`. */
export const listCustomers = (search: string, f?: typeof fetch) =>
  api<import('@foyer/schema/validation').CustomerPage>(`/api/customers${search && !search.startsWith('?') ? '?' : ''}${search}`, { fetch: f });

/** POST /api/customers/bulk (L5). */
export const bulkAction = (body: import('@foyer/schema/validation').BulkAction) =>
  api<BulkResult>('/api/customers/bulk', { method: 'POST', body });

export const listSegments = (f?: typeof fetch) => api<{ items: Segment[] }>('/api/segments', { fetch: f });
export const createSegment = (name: string, query: string) => api<Segment>('/api/segments', { method: 'POST', body: { name, query } });
export const deleteSegment = (id: string) => api(`/api/segments/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const listMarketingLists = (f?: typeof fetch) => api<{ items: MarketingList[] }>('/api/lists', { fetch: f });
export const createMarketingList = (name: string) => api<MarketingList>('/api/lists', { method: 'POST', body: { name } });

// ————— Door access: doors, permissions, credentials, edge devices, the door log, the timeline (Da1, Da2, R2, M3, Ac1) —————

export type DoorLogEntry = import('@foyer/schema/realtime').DoorLogEntry;
export type LockType = (typeof import('@foyer/schema/validation').lockTypes)[number];
export type CredentialKind = import('@foyer/schema/validation').CredentialKind;

/** POST /api/doors (PATCH takes any part of it; a blank location clears it). */
export type DoorInput = { name: string; location?: string; pulseMs: number; lockType: LockType; heldOpenAlarmSeconds: number };

export type PermissionInput = { doorId: string; startsAt?: string; endsAt?: string | null; notes?: string };
export type PermissionPatch = { startsAt?: string; endsAt?: string | null; notes?: string };

/** POST's answer: a generated wallet pass's token comes this once (M3). */
export type IssuedCredential = Credential & { walletToken?: string };


/** A page of a growing list, newest first: `hasMore` instead of a total. */
export type GrowingPage<T> = { items: T[]; page: number; pageSize: number; hasMore: boolean };
/** A page of the door log, by cursor: the next one starts before the last item's id. */
export type DoorLogPage = { items: DoorLogEntry[]; pageSize: number; hasMore: boolean };

/** One entry of a customer's timeline (Ac1); door visits carry `data.doorName`, `data.deviceName`. */
export type Activity = {
  id: number;
  category: string;
  type: string;
  source: string;
  occurredAt: string;
  data: Record<string, unknown>;
};

const part = encodeURIComponent;

export const listDoors = (f?: typeof fetch) => api<{ items: Door[] }>('/api/doors', { fetch: f });
export const createDoor = (body: DoorInput) => api<Door>('/api/doors', { method: 'POST', body });
export const updateDoor = (doorId: string, body: Partial<DoorInput>) => api<Door>(`/api/doors/${part(doorId)}`, { method: 'PATCH', body });
export const deleteDoor = (doorId: string) => api<void>(`/api/doors/${part(doorId)}`, { method: 'DELETE' });

export const listPermissions = (ref: string, f?: typeof fetch) => api<{ items: DoorPermission[] }>(`/api/customers/${part(ref)}/door-permissions`, { fetch: f });
export const grantPermission = (ref: string, body: PermissionInput) =>
  api<DoorPermission>(`/api/customers/${part(ref)}/door-permissions`, { method: 'POST', body });
export const updatePermission = (permissionId: string, body: PermissionPatch) =>
  api<DoorPermission>(`/api/door-permissions/${part(permissionId)}`, { method: 'PATCH', body });
export const revokePermission = (permissionId: string) => api<void>(`/api/door-permissions/${part(permissionId)}`, { method: 'DELETE' });

export const listCredentials = (ref: string, f?: typeof fetch) => api<{ items: Credential[] }>(`/api/customers/${part(ref)}/credentials`, { fetch: f });
export const issueCredential = (ref: string, body: { kind: CredentialKind; value?: string; label?: string }) =>
  api<IssuedCredential>(`/api/customers/${part(ref)}/credentials`, { method: 'POST', body });
export const revokeCredential = (credentialId: string) => api<void>(`/api/credentials/${part(credentialId)}`, { method: 'DELETE' });

export const listDevices = (f?: typeof fetch) => api<{ items: EdgeDevice[] }>('/api/edge/devices', { fetch: f });
export const createDevice = (body: { name: string; doorIds?: string[] }) => api<DevicePairing>('/api/edge/devices', { method: 'POST', body });
export const updateDevice = (deviceId: string, body: { name?: string; doorIds?: string[] }) =>
  api<EdgeDevice>(`/api/edge/devices/${part(deviceId)}`, { method: 'PATCH', body });
export const revokeDevice = (deviceId: string) => api<void>(`/api/edge/devices/${part(deviceId)}`, { method: 'DELETE' });
export const renewPairingCode = (deviceId: string) => api<DevicePairing>(`/api/edge/devices/${part(deviceId)}/pairing-code`, { method: 'POST' });

/** The door log, newest first; `before`: the id of the oldest entry shown, for the page after it. */
export const doorLog = (before: number | undefined, pageSize: number, f?: typeof fetch) =>
  api<DoorLogPage>(`/api/door-events?pageSize=${pageSize}${before === undefined ? '' : `&before=${before}`}`, { fetch: f });
export const listActivities = (ref: string, page: number, pageSize: number, f?: typeof fetch) =>
  api<GrowingPage<Activity>>(`/api/customers/${part(ref)}/activities?page=${page}&pageSize=${pageSize}`, { fetch: f });
