import { parsePhoneNumberFromString, parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js';

export type NormalizedPhone = { e164: string; raw: string };

/**
 * Reads a phone number as a person typed it (`020 7946 0958`, `+44 20 7946 0958`, `0044 …`) and
 * returns its E.164 form, or null when it is not a valid number. Numbers without a country code
 * are read in the organization's country.
 */
export function normalizePhone(raw: string, defaultCountry: string): NormalizedPhone | null {
  const text = raw.trim();
  // An international prefix written as 00 is as common as + on a venue's forms.
  const candidate = text.startsWith('00') ? `+${text.slice(2)}` : text;
  try {
    const parsed = parsePhoneNumberWithError(candidate, defaultCountry as CountryCode);
    return parsed.isValid() ? { e164: parsed.number, raw: text } : null;
  } catch {
    return null;
  }
}

/**
 * A stored number as people write it, in the international format: `+447700900123` →
 * `+44 7700 900123`, `+33612345678` → `+33 6 12 34 56 78`. Text that is not a phone number comes
 * back as it is; no number gives an empty string.
 */
export function formatPhone(e164: string | null | undefined): string {
  if (!e164) return '';
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
