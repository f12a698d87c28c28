import { readFileSync } from 'node:fs';

/**
 * A small list of the passwords people pick most, from the top of well-known breach-frequency lists
 * (SecLists, NCSC): the ones guessed first. Entries shorter than the minimum length stay listed so
 * that a common word with digits or symbols added ("monkey12345!") is caught too.
 */
const common = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean),
);

/**
 * Why a new password is not acceptable beyond its length (NewPasswordSchema checks that), or
 * undefined: it is, or is a common word with digits and symbols around it, on the list of common
 * passwords; or it contains its owner's email or the email's name part.
 */
export function passwordProblem(password: string, email: string): string | undefined {
  const lower = password.toLowerCase().trim();
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  if (common.has(lower) || common.has(lower.replace(/\s+/g, '')) || (core.length >= 4 && common.has(core))) {
    return 'This password is one of the most common passwords, which are guessed first: choose another (a few unrelated words work well)';
  }
  const address = email.trim().toLowerCase();
  const local = address.split('@')[0] ?? '';
  if (lower.includes(address) || (local.length >= 3 && lower.includes(local))) {
    return `A password must not contain your email address or its name part ("${local}")`;
  }
  return undefined;
}
