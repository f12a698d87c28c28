import type { DoorConfig } from '../config.ts';
import type { Log } from '../log.ts';
import { PulsedDoor, type DoorLines } from './door-io.ts';
import { SimulatedLines } from './simulated-lines.ts';

/**
 * Opens a door's lines with the configured driver. Hardware drivers are imported only when used:
 * onoff loads a native module (epoll) that a laptop running `--simulate` need not have.
 */
export async function openDoorLines(config: DoorConfig, log: Log, simulate: boolean): Promise<DoorLines> {
  const driver = simulate ? 'simulated' : config.driver;
  const common = {
    relayLine: config.relayLine ?? 0,
    contactLine: config.contactLine,
    relayActiveLow: config.relayActiveLow,
    contactOpenWhen: config.contactOpenWhen,
    log,
  };
  switch (driver) {
    case 'simulated':
      return new SimulatedLines();
    case 'sysfs': {
      const { SysfsLines } = await import('./sysfs-lines.ts');
      return new SysfsLines({ ...common, chipLabel: config.chipLabel });
    }
    case 'gpiod': {
      const { GpiodLines } = await import('./gpiod-lines.ts');
      return new GpiodLines({ ...common, chip: config.gpiochip });
    }
  }
}

export async function openDoor(config: DoorConfig, log: Log, simulate: boolean): Promise<{ io: PulsedDoor; lines: DoorLines }> {
  const lines = await openDoorLines(config, log, simulate);
  return { io: new PulsedDoor(lines, config.id, log), lines };
}
