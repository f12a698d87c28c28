import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

const valid = {
  serverUrl: 'https://foyer.example.com/',
  pairingCode: 'ABC-123',
  readers: [{ path: '/dev/ttyUSB0', protocol: 'rdm6300' }],
  doors: [{ id: 'door-1', driver: 'sysfs', relayLine: 17, contactLine: 27 }],
};

describe('config', () => {
  it('fills defaults and trims the server URL', () => {
    const config = parseConfig(valid);
    expect(config.serverUrl).toBe('https://foyer.example.com');
    expect(config.readers[0]?.baud).toBe(9600);
    expect(config.doors[0]).toMatchObject({ relayActiveLow: false, contactOpenWhen: 'high' });
    expect(config.stateDir).toBe('/var/lib/foyer-edge');
  });

  it('names every offending field', () => {
    const bad = {
      ...valid,
      readers: [{ path: '/dev/ttyUSB0', protocol: 'em4100', baud: 9600 }],
      doors: [
        { id: 'd', driver: 'gpiod', relayLine: 99 },
        { id: 'e', driver: 'sysfs' },
      ],
      extra: 1,
    };
    let message = '';
    try {
      parseConfig(bad, '/etc/foyer-edge/config.json');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('/etc/foyer-edge/config.json is invalid');
    expect(message).toMatch(/readers\[0\]\.protocol: one of rdm6300, wiegand, scanner/);
    expect(message).toMatch(/doors\[0\]\.relayLine: a BCM GPIO line number/);
    expect(message).toMatch(/doors\[1\]\.relayLine: required for the sysfs and gpiod drivers/);
    expect(message).toMatch(/\(top level\): Unrecognized key: "extra"|extra/);
  });

  it('asks which door a reader opens when there are several', () => {
    const twoDoors = { ...valid, doors: [...valid.doors, { id: 'door-2', driver: 'simulated' }] };
    expect(() => parseConfig(twoDoors)).toThrow(/readers\[0\]\.doorId: required when there is more than one door/);
    expect(() => parseConfig({ ...twoDoors, readers: [{ ...valid.readers[0], doorId: 'door-3' }] })).toThrow(/no door "door-3"/);
  });
});

describe('the shipped example config', () => {
  it('is valid', async () => {
    const { loadConfig } = await import('./config.ts');
    expect(loadConfig(new URL('../deploy/config.example.json', import.meta.url).pathname).doors).toHaveLength(1);
  });
});
