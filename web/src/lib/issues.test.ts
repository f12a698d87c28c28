import { describe, expect, it } from 'vitest';
import { FORM, withFormMessage } from './issues';

describe('withFormMessage', () => {
  it("puts the message at the top only when none of the form's fields has an error", () => {
    const shown = (f: string) => f === 'name';
    expect(withFormMessage({ other: 'x' }, 'Refused', shown)[FORM]).toBe('Refused');
    expect(withFormMessage({ name: 'Taken' }, 'Refused', shown)[FORM]).toBeUndefined();
    expect(withFormMessage({}, 'Offline')[FORM]).toBe('Offline');
  });
});
