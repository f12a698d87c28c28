import { z } from 'zod';

/**
 * Money is integer minor units (pence, cents) plus an ISO 4217 currency, everywhere: on the wire,
 * in the tables, in events. These helpers are shared by the server and the web.
 */

/** ISO 4217 codes this runtime formats (Intl knows ~300); a code it does not know is refused. */
const knownCurrencies: ReadonlySet<string> = new Set(
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : ['GBP', 'EUR', 'USD', 'CHF', 'JPY'],
);

export const isCurrency = (code: string): boolean => knownCurrencies.has(code);

export const CurrencySchema = z
  .string({ error: 'A currency is a three-letter ISO 4217 code such as GBP or EUR' })
  .trim()
  .toUpperCase()
  .refine((c) => /^[A-Z]{3}$/.test(c) && isCurrency(c), 'Not a currency: write an ISO 4217 code such as GBP, EUR or USD')
  .meta({ id: 'Currency', description: 'ISO 4217 code' });

/** Digits after the decimal point in a currency's minor unit (GBP 2, JPY 0, BHD 3). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** The most one amount may be: 100,000,000.00 in a two-digit currency (well inside a JS integer). */
export const MAX_AMOUNT_MINOR = 10_000_000_000;

/** An amount in minor units: a whole number, not negative (zero allowed where a field says so). */
export const amountSchema = (label: string, { allowZero = false } = {}) =>
  z
    .number({ error: `${label} is a whole number of minor units (pence, cents)` })
    .int(`${label} is a whole number of minor units (pence, cents): 1250 for 12.50`)
    .min(allowZero ? 0 : 1, allowZero ? `${label} is not negative` : `${label} is more than zero`)
    .max(MAX_AMOUNT_MINOR, `${label} is at most ${MAX_AMOUNT_MINOR} minor units`);

/** The currency a country usually pays in, for an organization's default (GB → GBP); EUR for the euro area. */
const euroArea = ['AT', 'BE', 'CY', 'DE', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PT', 'SI', 'SK'];
const byCountry: Record<string, string> = {
  GB: 'GBP',
  US: 'USD',
  CA: 'CAD',
  AU: 'AUD',
  NZ: 'NZD',
  CH: 'CHF',
  SE: 'SEK',
  NO: 'NOK',
  DK: 'DKK',
  PL: 'PLN',
  CZ: 'CZK',
  HU: 'HUF',
  JP: 'JPY',
  SG: 'SGD',
  HK: 'HKD',
  AE: 'AED',
  ZA: 'ZAR',
  IN: 'INR',
  MX: 'MXN',
  BR: 'BRL',
  ...Object.fromEntries(euroArea.map((c) => [c, 'EUR'])),
};
export const currencyOfCountry = (country: string): string => byCountry[country.toUpperCase()] ?? 'GBP';
