import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const tempPathFor = (path: string) => join(dirname(path), `.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);

/**
 * Replaces a file so that after a crash or power cut it holds either the old or the new content,
 * never a mix: write a temp file beside it, fsync it, rename over the target, fsync the directory
 * (the rename itself lives in the directory). `mode` applies to new files (0600 for secrets).
 * Synchronous: for small files written rarely (identity). See AtomicFileWriter for the others.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array, mode = 0o644) {
  const temp = tempPathFor(path);
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  fsyncDirectory(dirname(path));
}

export function fsyncDirectory(dir: string) {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Keeps a file up to date with some state, atomically as above but off the event loop: an fsync
 * on an SD card can take tens of milliseconds, and a tap arriving meanwhile must not wait for it.
 * Writes never overlap; a request during a write is served by one more write with the content of
 * that moment, so bursts of changes coalesce into at most two writes.
 */
export class AtomicFileWriter {
  private writing: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly path: string,
    /** The content as of the call; a promise lets a large one be built without blocking the event loop. */
    private readonly content: () => string | Promise<string>,
    private readonly onError: (error: Error) => void,
  ) {}

  request() {
    if (this.writing) {
      this.again = true;
      return;
    }
    this.writing = this.writeLoop().finally(() => (this.writing = undefined));
  }

  /** Resolves when the content as of now is on disk (or its write failed and was reported). */
  async settled() {
    while (this.writing) await this.writing;
  }

  private async writeLoop() {
    do {
      this.again = false;
      try {
        await this.writeOnce(await this.content());
      } catch (error) {
        this.onError(error as Error);
      }
    } while (this.again);
  }

  private async writeOnce(text: string) {
    const temp = tempPathFor(this.path);
    const file = await open(temp, 'w');
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.path);
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
