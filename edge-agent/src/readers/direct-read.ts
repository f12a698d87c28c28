import { readSync } from 'node:fs';
import { SerialPort } from 'serialport';

type Binding = typeof SerialPort.binding;
type OpenOptions = Parameters<Binding['open']>[0];
type PortBinding = Awaited<ReturnType<Binding['open']>>;
type ReadResult = { buffer: Buffer; bytesRead: number };

/** What serialport's stream expects of a read that ended because the port closed. */
const canceled = (message: string) => Object.assign(new Error(message), { canceled: true });

/** Codes of a read on a port that went away (USB unplugged, closed under us): the stream reports a disconnect. */
const DISCONNECT_CODES = new Set(['EBADF', 'ENXIO', 'EIO', 'UNKNOWN']);

/**
 * serialport's binding, with reads done on the event loop. The stock Linux binding reads in libuv's
 * thread pool: the port's poller says "readable" on the event loop, a pool thread runs read(), and
 * its result comes back to the event loop: two thread hand-overs per chunk, each a wait for the
 * scheduler on a busy machine, and a wait behind whatever else holds the pool (the journal's and
 * the cache's fsyncs, tens of milliseconds on an SD card). The port's file descriptor is
 * non-blocking (O_NONBLOCK), so read() right on the event loop returns at once, with bytes or
 * EAGAIN: the tap is decided in the same turn of the loop that heard the port was readable.
 * Everything else (open, settings, write, close) is serialport's own.
 */
export const directReadBinding: Binding = {
  ...SerialPort.binding,
  async open(options: OpenOptions) {
    const port = await (SerialPort.binding.open as (o: OpenOptions) => Promise<PortBinding>)(options);
    (port as { read: PortBinding['read'] }).read = (buffer: Buffer, offset: number, length: number) => readNow(port, buffer, offset, length);
    return port;
  },
} as Binding;

async function readNow(port: PortBinding, buffer: Buffer, offset: number, length: number): Promise<ReadResult> {
  for (;;) {
    const fd = port.fd;
    if (!port.isOpen || fd === null) throw canceled('Port is not open');
    let bytesRead: number;
    try {
      bytesRead = readSync(fd, buffer, offset, length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR') {
        await readable(port);
        continue;
      }
      if (!port.isOpen) throw canceled('Port is not open');
      if (DISCONNECT_CODES.has(code)) Object.assign(error as Error, { disconnect: true });
      throw error;
    }
    if (bytesRead > 0) return { buffer, bytesRead };
    // 0 bytes from a tty without O_NONBLOCK data means nothing to read yet: wait as for EAGAIN.
    await readable(port);
  }
}

/** Resolves when the poller says the port is readable; rejects when it was stopped (port closed). */
function readable(port: PortBinding): Promise<void> {
  const { poller } = port as unknown as { poller: { once(event: 'readable', listener: (error: Error | null) => void): void } };
  return new Promise((resolve, reject) => poller.once('readable', (error) => (error ? reject(error) : resolve())));
}
