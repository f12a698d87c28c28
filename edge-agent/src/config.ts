import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { readerProtocols } from './readers/frame-parser.ts';

const bcmLine = z.number().int().min(0, 'a BCM GPIO line number, 0–53').max(53, 'a BCM GPIO line number, 0–53');

export const ReaderConfigSchema = z
  .object({
    /** A stable name is better than /dev/ttyUSB0, which moves between plugs: /dev/serial/by-id/… */
    path: z.string().min(1, 'the serial device, e.g. /dev/serial/by-id/usb-…'),
    protocol: z.enum(readerProtocols, { error: `one of ${readerProtocols.join(', ')}` }),
    baud: z.number().int().positive().default(9600),
    /** Which door a tap on this reader opens; may be left out when the config has one door. */
    doorId: z.string().min(1).optional(),
  })
  .strict();

export const doorDrivers = ['sysfs', 'gpiod', 'simulated'] as const;

export const DoorConfigSchema = z
  .object({
    /** The door's id on the server (its EdgeDoor id): name, pulse and lock type come from there. */
    id: z.string().min(1, 'the door id from the server'),
    driver: z.enum(doorDrivers, { error: `one of ${doorDrivers.join(', ')}` }),
    relayLine: bcmLine.optional(),
    contactLine: bcmLine.optional(),
    /** Many relay boards switch on when their input is pulled low. */
    relayActiveLow: z.boolean().default(false),
    /** The contact line's level when the door is open (a reed switch to ground with a pull-up reads high when open). */
    contactOpenWhen: z.enum(['high', 'low']).default('high'),
    /** sysfs: label of the GPIO chip, when not one of the Raspberry Pi header controllers. */
    chipLabel: z.string().optional(),
    /** gpiod: the chip the lines belong to. */
    gpiochip: z.string().default('gpiochip0'),
  })
  .strict()
  .refine((d) => d.driver === 'simulated' || d.relayLine !== undefined, { path: ['relayLine'], message: 'required for the sysfs and gpiod drivers' });

export const AgentConfigSchema = z
  .object({
    serverUrl: z.url({ error: 'the server address, e.g. https://foyer.example.com' }).transform((u) => u.replace(/\/+$/, '')),
    /** One-time code from the server's device page, used once when the state directory has no identity. */
    pairingCode: z.string().trim().min(6).max(32).optional(),
    /** Instead of pairing: the identity given by the server, if it was provisioned by hand. */
    device: z
      .object({ id: z.string().min(1), secret: z.string().min(1), credentialKey: z.string().min(1) })
      .strict()
      .optional(),
    /** Identity (0600), permission cache and journal. */
    stateDir: z.string().min(1).default('/var/lib/foyer-edge'),
    readers: z.array(ReaderConfigSchema).default([]),
    doors: z.array(DoorConfigSchema).min(1, 'at least one door'),
    /** The same credential again within this time is the same tap (RDM6300 repeats every ~65 ms). */
    debounceMs: z.number().int().min(0).max(10_000).default(1000),
    forcedOpenGraceMs: z.number().int().min(0).max(60_000).default(5000),
    /**
     * A permission cache not synced with the server for longer than this denies everyone
     * (reason cache_stale). 72 hours by default: an internet line down from Friday evening to
     * Monday morning keeps the doors working, while a revocation that cannot reach a cut-off
     * device (a stolen card, a member who left) is honoured after three days at the latest. A
     * venue that prefers to stay open through longer outages raises it; one where a revoked card
     * must never work for long lowers it.
     */
    maxOfflineHours: z
      .number()
      .positive('a number of hours above 0')
      .max(24 * 365, 'at most a year (8760 hours)')
      .default(72),
  })
  .strict()
  .superRefine((config, ctx) => {
    const doorIds = new Set(config.doors.map((d) => d.id));
    config.readers.forEach((reader, i) => {
      if (reader.doorId === undefined && config.doors.length > 1)
        ctx.addIssue({ code: 'custom', path: ['readers', i, 'doorId'], message: 'required when there is more than one door' });
      if (reader.doorId !== undefined && !doorIds.has(reader.doorId))
        ctx.addIssue({ code: 'custom', path: ['readers', i, 'doorId'], message: `no door "${reader.doorId}" in doors` });
    });
  });

export type AgentConfig = z.infer<typeof AgentConfigSchema>;
export type DoorConfig = z.infer<typeof DoorConfigSchema>;
export type ReaderConfig = z.infer<typeof ReaderConfigSchema>;

export class ConfigError extends Error {}

/** Reads and validates the config file; errors name the file and each offending field. */
export function loadConfig(path: string): AgentConfig {
  if (!existsSync(path)) throw new ConfigError(`No config file at ${path} (see edge-agent/README.md, or pass --config)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(json, path);
}

export function parseConfig(json: unknown, source = 'config'): AgentConfig {
  const result = AgentConfigSchema.safeParse(json);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${formatPath(issue.path)}: ${issue.message}`);
  throw new ConfigError(`${source} is invalid:\n${lines.join('\n')}`);
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}
