import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Backoff } from '../backoff.ts';
import type { Log } from '../log.ts';
import type { DoorLines } from './door-io.ts';

export type GpiodLinesOptions = {
  chip: string;
  relayLine: number;
  contactLine?: number;
  relayActiveLow: boolean;
  contactOpenWhen: 'high' | 'low';
  log: Log;
};

/** libgpiod's tools changed their command lines between 1.x (Debian 12) and 2.x (Debian 13). */
export function gpiodToolsMajorVersion(): 1 | 2 {
  const text = execFileSync('gpioset', ['--version'], { encoding: 'utf8', timeout: 5000 });
  const major = /v(\d+)\./.exec(text)?.[1];
  if (major === '1' || major === '2') return Number(major) as 1 | 2;
  throw new Error(`Unrecognized gpioset version: ${text.split('\n')[0]}`);
}

/**
 * Door lines through libgpiod's command-line tools, for systems without sysfs GPIO (newer Pi OS).
 * A line driven over the character device keeps its value only while a process holds it, so a
 * `gpioset` stays running for the relay: with 2.x in interactive mode, told `set` on stdin (fast);
 * with 1.x, which has no such mode, replaced by a new `gpioset --mode=signal` per change (the old
 * one must let go of the line first, which costs a process start, tens of ms on a Pi).
 * The contact is followed by a `gpiomon`, restarted with backoff if it dies.
 */
export class GpiodLines implements DoorLines {
  private readonly version: 1 | 2;
  private holder: ChildProcess | undefined;
  private holderValue: boolean | undefined;
  private releasing: ChildProcess | undefined;
  private wanted = false;
  /** 2.x can be built without interactive mode: then it is driven like 1.x. */
  private interactive: boolean;
  private monitor: ChildProcess | undefined;
  private closed = false;

  constructor(private readonly options: GpiodLinesOptions) {
    this.version = gpiodToolsMajorVersion();
    this.interactive = this.version === 2;
    this.startHolder(false);
  }

  /** Arguments naming chip and line(s), in each version's syntax. */
  private target(...lineValues: string[]): string[] {
    return this.version === 1 ? [this.options.chip, ...lineValues] : ['-c', this.options.chip, ...lineValues];
  }

  private get activeLowFlag(): string[] {
    return this.options.relayActiveLow ? ['--active-low'] : [];
  }

  setRelay(energized: boolean) {
    this.wanted = energized;
    if (this.closed) return;
    if (this.interactive && this.holder?.stdin?.writable) {
      this.holder.stdin.write(`set ${this.options.relayLine}=${energized ? 1 : 0}\n`);
      this.holderValue = energized;
      return;
    }
    // A holder on its way out still owns the line: the next one starts when it is gone, with the
    // value wanted by then (a pulse that ended meanwhile never opens the door late).
    if (this.releasing || (this.holderValue === energized && this.holder)) return;
    const old = this.holder;
    if (!old) return this.startHolder(energized);
    this.holder = undefined;
    this.releasing = old;
    old.once('exit', () => {
      this.releasing = undefined;
      this.startHolder(this.wanted);
    });
    old.kill('SIGTERM');
  }

  private startHolder(value: boolean) {
    if (this.closed || this.holder) return;
    const lineValue = `${this.options.relayLine}=${value ? 1 : 0}`;
    const mode = this.version === 1 ? ['--mode=signal'] : this.interactive ? ['--interactive'] : [];
    const args = [...mode, ...this.activeLowFlag, ...this.target(lineValue)];
    const startedAt = Date.now();
    const holder = spawn('gpioset', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    this.holder = holder;
    this.holderValue = value;
    holder.stderr?.on('data', (d: Buffer) => this.options.log(`gpioset: ${d.toString().trim()}`));
    holder.stdin?.on('error', () => {});
    holder.on('error', (error) => this.options.log(`gpioset failed: ${error.message}`));
    holder.on('exit', (code) => {
      if (this.holder !== holder) return;
      if (this.interactive && code !== 0 && Date.now() - startedAt < 1000) {
        this.options.log('gpioset: no interactive mode in this build; restarting it per change instead');
        this.interactive = false;
      }
      // Died on its own (line busy, chip gone): retry, with the value wanted now.
      this.holder = undefined;
      if (!this.closed) setTimeout(() => this.startHolder(this.wanted), 500);
    });
  }

  onContact(listener: (open: boolean) => void) {
    const line = this.options.contactLine;
    if (line === undefined) return;
    const isOpen = (level: boolean) => level === (this.options.contactOpenWhen === 'high');
    const backoff = new Backoff({ initialMs: 500, maxMs: 10_000 });
    const get = spawnSync('gpioget', this.version === 1 ? this.target(String(line)) : ['--numeric', ...this.target(String(line))], {
      encoding: 'utf8',
      timeout: 2000,
    });
    let last: boolean | undefined = get.status === 0 ? isOpen(get.stdout.trim() === '1') : undefined;
    if (last !== undefined) listener(last);
    const start = () => {
      if (this.closed) return;
      const monitor = spawn('gpiomon', ['--format=%e', ...this.target(String(line))], { stdio: ['ignore', 'pipe', 'pipe'] });
      this.monitor = monitor;
      createInterface({ input: monitor.stdout! }).on('line', (text) => {
        backoff.reset();
        // %e: 1 is a rising edge in both versions; falling is 0 in 1.x and 2 in 2.x.
        const open = isOpen(text.trim() === '1');
        if (open !== last) listener((last = open));
      });
      monitor.stderr?.on('data', (d: Buffer) => this.options.log(`gpiomon: ${d.toString().trim()}`));
      monitor.on('error', (error) => this.options.log(`gpiomon failed: ${error.message}`));
      monitor.on('exit', () => {
        if (!this.closed) setTimeout(start, backoff.next());
      });
    };
    start();
  }

  /**
   * Drives the relay to locked with a process of its own, synchronously (this runs in exit
   * handlers): the holder is killed first so that the line is free.
   */
  close() {
    if (this.closed) return;
    this.closed = true;
    this.monitor?.kill('SIGTERM');
    this.holder?.kill('SIGKILL');
    this.holder = undefined;
    const lineValue = `${this.options.relayLine}=0`;
    const args =
      this.version === 1 ? ['--mode=exit', ...this.activeLowFlag, ...this.target(lineValue)] : ['-t', '0', ...this.activeLowFlag, ...this.target(lineValue)];
    for (let attempt = 0; attempt < 5; attempt++) {
      // The killed holder may still hold the line for a moment (EBUSY): try again.
      if (spawnSync('gpioset', args, { timeout: 1000 }).status === 0) return;
    }
    this.options.log('gpioset: could not drive the relay line to locked on close');
  }
}
