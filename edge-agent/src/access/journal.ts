import { EdgeEventSchema, type EdgeEvent } from '@foyer/schema';
import { closeSync, existsSync, fdatasync, fdatasyncSync, ftruncateSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-file.ts';
import { join } from 'node:path';
import { AtomicFileWriter, fsyncDirectory } from '../atomic-file.ts';
import type { Log } from '../log.ts';

export type NewEvent = Omit<EdgeEvent, 'seq'>;

const JOURNAL = 'journal.jsonl';
const ROTATED = 'journal.1.jsonl';
const ACKED = 'acked.json';
/** Once everything in it is acknowledged, a journal this large is rotated out (one old file kept). */
const ROTATE_BYTES = 8 * 1024 * 1024;

/**
 * The append-only record of every decision and door alarm, one JSON line per event, each with the
 * device's sequence number. Sequence numbers continue across restarts: the last one is recovered
 * from the journal (or the rotated one, or the acknowledged mark, whichever is highest).
 *
 * Order of work for a tap: relay first, then the journal line is written (a synchronous write()
 * into the kernel's page cache, some microseconds), then fsync'd in the background. Measured on
 * the build VM, append+fdatasync has a p99 near 20 ms and outliers of 200 ms; an SD card is no
 * faster. Waiting for it before the relay would break the 10 ms tap-to-relay goal, and a door that
 * waits for a disk is the greater harm. What this costs: a kill -9 or crash loses nothing (the
 * line is already in the kernel), a power cut can lose the lines of the last fsync (milliseconds
 * of decisions). fsyncs are grouped: one fdatasync covers every line written while the last ran.
 *
 * Only durable (fsync'd) events are offered for upload: an event the server stored but the disk
 * lost would give its seq to a different event after the restart, and the server would drop that
 * one as a duplicate.
 *
 * A journal is *based* once it knows where the server stands for this device (`acked.json`
 * exists). A fresh state directory is not, and it may belong to a device whose earlier state was
 * wiped (a new SD card, the same identity): the server then already holds seqs 1..n from before.
 * Until the first `hello` answer says n (`rebase`), events are numbered from 1 but not uploaded;
 * rebase renumbers them above n and saves the mark before anything goes up, so no seq is used twice
 * and none is lost (see `rebase` for the crash cases).
 */
export class Journal {
  lastSeq: number;
  ackedSeq: number;
  /** Durable events not yet acknowledged by the server, in seq order. */
  private readonly durable: EdgeEvent[];
  /** Written to the file, waiting for the next fsync. */
  private written: EdgeEvent[] = [];
  /** Not yet written because write() failed (disk full, I/O error): retried, in order. */
  private unwritten: EdgeEvent[] = [];
  private fd: number | undefined;
  private syncing: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private bytes: number;
  private readonly durableListeners = new Set<() => void>();
  /** Whether the server's storedThrough for this device is known (see the class note); no upload before. */
  based: boolean;
  /** The acknowledged mark is not urgent (a resent event is stored once): saved off the event loop. */
  private readonly ackedWriter: AtomicFileWriter;

  private constructor(
    private readonly dir: string,
    private readonly log: Log,
    recovered: { events: EdgeEvent[]; bytes: number; lastSeq: number; ackedSeq: number; based: boolean },
  ) {
    this.based = recovered.based;
    this.lastSeq = recovered.lastSeq;
    this.ackedSeq = recovered.ackedSeq;
    this.bytes = recovered.bytes;
    this.durable = recovered.events.filter((e) => e.seq > this.ackedSeq);
    this.ackedWriter = new AtomicFileWriter(
      join(dir, ACKED),
      () => JSON.stringify({ ackedSeq: this.ackedSeq }),
      (error) => log(`journal: could not save the acknowledged seq (${error.message})`),
    );
  }

  static open(dir: string, log: Log): Journal {
    const path = join(dir, JOURNAL);
    const current = existsSync(path) ? recoverJournal(path, log) : { events: [], bytes: 0 };
    const rotated = existsSync(join(dir, ROTATED)) ? recoverJournal(join(dir, ROTATED), log, false).events : [];
    const ackedSeq = readAcked(join(dir, ACKED));
    const lastSeq = Math.max(ackedSeq, lastSeqOf(rotated), lastSeqOf(current.events));
    return new Journal(dir, log, { ...current, lastSeq, ackedSeq, based: existsSync(join(dir, ACKED)) });
  }

  /** Assigns the next seq and writes the line; the fsync follows in the background (see the class note). */
  append(event: NewEvent): EdgeEvent {
    const full: EdgeEvent = { seq: ++this.lastSeq, ...event };
    this.unwritten.push(full);
    if (!this.retryTimer) this.writeOut();
    return full;
  }

  private writeOut() {
    if (this.unwritten.length === 0) return;
    const text = this.unwritten.map((e) => JSON.stringify(e) + '\n').join('');
    try {
      this.fd ??= openSync(join(this.dir, JOURNAL), 'a');
      writeSync(this.fd, text);
    } catch (error) {
      // Decisions go on; the lines wait in memory and are written, in order, when the disk takes them.
      this.log(`journal: write failed (${(error as Error).message}); ${this.unwritten.length} event(s) waiting`);
      if (!this.closing) this.retryTimer ??= setTimeout(() => ((this.retryTimer = undefined), this.writeOut()), 1000);
      return;
    }
    this.bytes += Buffer.byteLength(text);
    this.written.push(...this.unwritten);
    this.unwritten = [];
    this.syncing ??= this.syncWritten().finally(() => (this.syncing = undefined));
  }

  private async syncWritten() {
    while (this.written.length > 0 && this.fd !== undefined) {
      const batch = this.written;
      this.written = [];
      try {
        await new Promise<void>((resolve, reject) => fdatasync(this.fd!, (error) => (error ? reject(error) : resolve())));
      } catch (error) {
        this.log(`journal: fsync failed (${(error as Error).message}); retrying`);
        this.written = [...batch, ...this.written];
        if (this.closing) return;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      this.durable.push(...batch);
      for (const listener of this.durableListeners) listener();
    }
    this.rotateIfDone();
  }

  /** Resolves once every event appended so far is on disk (or, when the disk refuses, as far as it went). */
  async flushed(): Promise<void> {
    while (this.syncing) await this.syncing;
  }

  /** Up to `limit` durable events the server has not acknowledged, oldest first. */
  unacknowledged(limit: number): EdgeEvent[] {
    return this.durable.slice(0, limit);
  }

  get backlog() {
    return this.durable.length;
  }

  onDurable(listener: () => void): () => void {
    this.durableListeners.add(listener);
    return () => this.durableListeners.delete(listener);
  }

  /** The server stored everything through `seq`: remember it on disk and let those events go. */
  acknowledge(seq: number) {
    if (seq <= this.ackedSeq) return;
    if (seq > this.lastSeq) {
      // The server holds seqs this device has no record of (its state directory was wiped): carry
      // on above them, or every new event would be dropped as a duplicate.
      this.log(`journal: server stored through ${seq}, beyond our last ${this.lastSeq}; continuing from there`);
      this.lastSeq = seq;
    }
    this.ackedSeq = seq;
    this.ackedWriter.request();
    let drop = 0;
    while (drop < this.durable.length && this.durable[drop]!.seq <= this.ackedSeq) drop++;
    this.durable.splice(0, drop);
    this.rotateIfDone();
  }

  /**
   * The server's answer to `hello`: it holds this device's events through `storedThrough`. A based
   * journal takes it as an acknowledgement. An unbased one (fresh or wiped state) moves its own
   * events above it, rewriting the file, then saves the mark (acked.json) and only then counts as
   * based, so uploading starts after the mark is on disk. Crash cases: before the rename nothing
   * changed; after it but before the mark, the next start finds events already above
   * storedThrough and does not move them again. Events the server has from this very journal
   * cannot be moved by mistake: none went up before the mark existed.
   */
  async rebase(storedThrough: number): Promise<void> {
    if (this.based) return this.acknowledge(storedThrough);
    await this.flushed();
    if (this.based) return this.acknowledge(storedThrough);
    const events = [...this.durable, ...this.written, ...this.unwritten];
    const lowest = events.reduce((min, e) => Math.min(min, e.seq), Infinity);
    if (lowest <= storedThrough) {
      // Everything here is from this state directory's life, numbered from 1 without gaps: shift all.
      const shift = storedThrough - lowest + 1;
      this.log(`journal: the server holds seqs through ${storedThrough} from an earlier state; renumbering ${events.length} event(s) from ${lowest + shift}`);
      for (const event of events) event.seq += shift;
      const onDisk = [...this.durable, ...this.written];
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
      const text = onDisk.map((e) => JSON.stringify(e) + '\n').join('');
      writeFileAtomic(join(this.dir, JOURNAL), text);
      this.bytes = Buffer.byteLength(text);
      this.lastSeq += shift;
    }
    this.lastSeq = Math.max(this.lastSeq, storedThrough);
    this.ackedSeq = storedThrough;
    this.ackedWriter.request();
    await this.ackedWriter.settled();
    this.based = true;
  }

  /** A large journal whose every line is durable and acknowledged becomes the rotated one. */
  private rotateIfDone() {
    if (this.bytes < ROTATE_BYTES || this.syncing || this.written.length || this.unwritten.length || this.ackedSeq < this.lastSeq) return;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    renameSync(join(this.dir, JOURNAL), join(this.dir, ROTATED));
    fsyncDirectory(this.dir);
    this.bytes = 0;
  }

  async close() {
    this.closing = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.writeOut();
    await this.flushed();
    await this.ackedWriter.settled();
    if (this.unwritten.length + this.written.length > 0) this.log(`journal: ${this.unwritten.length + this.written.length} event(s) not on disk at close`);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Reads a journal back. Every line is written whole with its newline, so a last line without one
 * was torn by a crash mid-write (kill -9, power cut): it is dropped and, for the live journal, cut
 * off the file so the next append starts on a clean line. A malformed line elsewhere (should not
 * happen) is skipped and logged rather than stopping the agent.
 */
function recoverJournal(path: string, log: Log, repair = true): { events: EdgeEvent[]; bytes: number } {
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) {
    log(`journal: dropping a torn last line (${text.length - end} bytes) in ${path}`);
    if (repair) {
      const fd = openSync(path, 'r+');
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, end)));
      closeSync(fd);
    }
  }
  const events: EdgeEvent[] = [];
  for (const line of text.slice(0, end).split('\n')) {
    if (!line) continue;
    try {
      events.push(EdgeEventSchema.parse(JSON.parse(line)));
    } catch {
      log(`journal: skipping a malformed line in ${path}`);
    }
  }
  if (repair) {
    // Lines a killed agent left in the page cache are offered for upload now: make them durable first.
    const fd = openSync(path, 'r+');
    fdatasyncSync(fd);
    closeSync(fd);
  }
  return { events, bytes: repair ? statSync(path).size : 0 };
}

function readAcked(path: string): number {
  try {
    const { ackedSeq } = JSON.parse(readFileSync(path, 'utf8')) as { ackedSeq: number };
    return Number.isInteger(ackedSeq) ? ackedSeq : 0;
  } catch {
    return 0;
  }
}

const lastSeqOf = (events: EdgeEvent[]) => events.reduce((max, e) => Math.max(max, e.seq), 0);
