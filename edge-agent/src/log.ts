/** The agent logs lines to stderr (journald picks them up under systemd); stdout is for the operator. */
export type Log = (message: string) => void;

export const stderrLog: Log = (message) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);
export const silentLog: Log = () => {};
