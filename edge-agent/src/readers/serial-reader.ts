import { SerialPort } from 'serialport';
import { Backoff, type BackoffOptions } from '../backoff.ts';
import type { Log } from '../log.ts';
import { createParser } from './create-parser.ts';
import { directReadBinding } from './direct-read.ts';
import type { ReadCredential, ReaderProtocol } from './frame-parser.ts';
import { TapDebouncer } from './tap-debouncer.ts';

export type SerialReaderOptions = {
  path: string;
  protocol: ReaderProtocol;
  baudRate: number;
  onTap: (credential: ReadCredential, receivedAt: number) => void;
  log: Log;
  debounceMs?: number;
  reopen?: BackoffOptions;
};

/**
 * One serial reader, kept open. serialport does not reconnect by itself: when the port closes or
 * errors (USB adapter unplugged, cable cut) or cannot be opened (not plugged in yet), this tries
 * again with backoff until stopped. Each (re)open starts a fresh parser, so half a frame from
 * before an unplug cannot glue onto the next one.
 */
export class SerialReader {
  private port: SerialPort | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly backoff: Backoff;
  private readonly debouncer: TapDebouncer;
  badFrames = 0;
  opens = 0;

  constructor(private readonly options: SerialReaderOptions) {
    this.backoff = new Backoff(options.reopen ?? { initialMs: 500, maxMs: 10_000 });
    this.debouncer = new TapDebouncer(options.debounceMs ?? 1000);
  }

  start() {
    this.open();
  }

  get isOpen() {
    return this.port?.isOpen ?? false;
  }

  private open() {
    if (this.stopped) return;
    const { path, baudRate, protocol, log } = this.options;
    const parser = createParser(protocol);
    // Not a literal: serialport's options type leaves `binding` out, its constructor takes it.
    const options = { path, baudRate, dataBits: 8 as const, parity: 'none' as const, stopBits: 1 as const, autoOpen: false, binding: directReadBinding };
    const port = new SerialPort(options);
    this.port = port;
    port.on('data', (chunk: Buffer) => {
      const receivedAt = performance.now();
      const { credentials, badFrames } = parser.push(chunk);
      if (badFrames > 0) {
        this.badFrames += badFrames;
        log(`reader ${path}: dropped ${badFrames} bad frame(s) (${this.badFrames} so far)`);
      }
      for (const credential of credentials) {
        if (this.debouncer.accept(credential.normalized, receivedAt)) this.options.onTap(credential, receivedAt);
      }
    });
    // 'close' follows an error on an open port and a disconnect; an open that fails only errors.
    port.on('close', () => this.scheduleReopen(port, 'closed'));
    port.on('error', (error) => this.scheduleReopen(port, error.message));
    port.open((error) => {
      if (error) return this.scheduleReopen(port, error.message);
      this.opens++;
      this.backoff.reset();
      log(`reader ${path}: open (${protocol}, ${baudRate} baud)`);
    });
  }

  private scheduleReopen(port: SerialPort, why: string) {
    if (this.stopped || port !== this.port || this.retryTimer) return;
    this.port = undefined;
    if (port.isOpen) port.close(() => {});
    const delay = this.backoff.next();
    this.options.log(`reader ${this.options.path}: ${why}; reopening in ${delay} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.open();
    }, delay);
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
