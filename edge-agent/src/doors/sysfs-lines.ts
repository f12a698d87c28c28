import { Gpio } from 'onoff';
import type { Log } from '../log.ts';
import type { DoorLines } from './door-io.ts';
import { sysfsGpioNumber } from './gpio-chip.ts';

export type SysfsLinesOptions = {
  relayLine: number;
  contactLine?: number;
  relayActiveLow: boolean;
  contactOpenWhen: 'high' | 'low';
  chipLabel?: string;
  log: Log;
};

/** How often a contact line without edge interrupts is read instead. */
const CONTACT_POLL_MS = 50;

/**
 * Door lines through the kernel's sysfs GPIO interface, driven by `onoff`. BCM line numbers are
 * mapped through the header chip's base (kernel 6.6+ offsets them, see gpio-chip.ts).
 */
export class SysfsLines implements DoorLines {
  private readonly relay: Gpio;
  private readonly contact: Gpio | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: SysfsLinesOptions) {
    const number = (line: number) => sysfsGpioNumber(line, { chipLabel: options.chipLabel });
    // The kernel applies 'high'/'low' (output with an initial level) to the physical pin, ignoring
    // active_low: an active-low relay board is de-energized by a high pin, so that is the one to
    // start with, or the door would click open for a moment at every start.
    this.relay = new Gpio(number(options.relayLine), options.relayActiveLow ? 'high' : 'low', 'none', { activeLow: options.relayActiveLow });
    if (options.contactLine !== undefined) this.contact = new Gpio(number(options.contactLine), 'in', 'both', { debounceTimeout: 20 });
  }

  setRelay(energized: boolean) {
    this.relay.writeSync(energized ? 1 : 0);
  }

  onContact(listener: (open: boolean) => void) {
    const contact = this.contact;
    if (!contact) return;
    const isOpen = (value: number) => (value === 1) === (this.options.contactOpenWhen === 'high');
    let last = isOpen(contact.readSync());
    listener(last);
    try {
      contact.watch((error, value) => {
        if (error) return this.options.log(`door contact: ${error.message}`);
        const open = isOpen(value);
        if (open !== last) listener((last = open));
      });
    } catch (error) {
      // A line without interrupt support (or a value file epoll cannot watch) is polled instead.
      this.options.log(`door contact: no edge interrupts (${(error as Error).message}); polling every ${CONTACT_POLL_MS} ms`);
      this.pollTimer = setInterval(() => {
        const open = isOpen(contact.readSync());
        if (open !== last) listener((last = open));
      }, CONTACT_POLL_MS);
    }
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pollTimer);
    this.relay.writeSync(0);
    // The relay line stays exported and driven locked: unexporting turns it into a floating input.
    try {
      if (this.pollTimer === undefined) this.contact?.unwatchAll();
      this.contact?.unexport();
    } catch (error) {
      this.options.log(`door contact: release failed (${(error as Error).message})`);
    }
  }
}
