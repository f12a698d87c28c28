import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.ts';

describe('new password policy (beyond length)', () => {
  it('refuses common passwords, also with digits and symbols around them or in another case', () => {
    for (const password of ['1234567890', 'qwertyuiop', 'Password123', 'password1234!', 'MONKEY12345', '!!iloveyou!!']) {
      expect(passwordProblem(password, 'ada@venue.test'), password).toMatch(/most common passwords/);
    }
  });

  it("refuses a password containing the user's email or its name part", () => {
    expect(passwordProblem('ada@venue.test!!', 'ada@venue.test')).toMatch(/must not contain your email address or its name part \("ada"\)/);
    expect(passwordProblem('my name is Ada.Lovelace', 'ada.lovelace@venue.test')).toMatch(/email address/);
  });

  it('accepts a passphrase that is neither', () => {
    expect(passwordProblem('correct horse battery', 'owner@demo.test')).toBeUndefined();
    expect(passwordProblem('a long enough password', 'staff1@venue.test')).toBeUndefined();
    // A name part too short to mean anything is not looked for.
    expect(passwordProblem('violet piano harbour', 'vi@venue.test')).toBeUndefined();
  });
});
