// The end-to-end tests drive Debian's Chromium (tools that download their own browser cannot
// here). Install it when it is missing and we may; otherwise say exactly what to do.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(path)) {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.error('Chromium is missing: installing Debian\'s chromium package for the end-to-end tests…');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } else {
    console.error(`The end-to-end tests need Chromium at ${path}. Install it with: sudo apt-get install chromium (or set CHROMIUM_PATH).`);
    process.exit(1);
  }
}
