/**
 * Cell formats of the customer list. Phones arrive as E.164 (`+447700900123`) and are shown
 * grouped the way people write them (`+44 7700 900123`); money is a decimal in the
 * organization's currency.
 */

/** Calling codes of one, two or three digits (ITU-T E.164); the first match wins. */
const oneDigit = new Set(['1', '7']);
const twoDigit = new Set([
  '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49', '51', '52', '53', '54',
  '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84', '86', '90', '91', '92', '93', '94', '95', '98',
]);

function splitCallingCode(digits: string): [string, string] {
  if (oneDigit.has(digits.slice(0, 1))) return [digits.slice(0, 1), digits.slice(1)];
  if (twoDigit.has(digits.slice(0, 2))) return [digits.slice(0, 2), digits.slice(2)];
  return [digits.slice(0, 3), digits.slice(3)];
}

/** Cuts `digits` into groups of the given sizes; what is left over joins the last group. */
function groups(digits: string, sizes: number[]): string {
  const out: string[] = [];
  let i = 0;
  for (const size of sizes) {
    if (i >= digits.length) break;
    out.push(digits.slice(i, i + size));
    i += size;
  }
  if (i < digits.length) out[out.length - 1] += digits.slice(i);
  return out.join(' ');
}

/** National grouping for the countries venues here see most; others get a generic 3-3-4 shape. */
function groupNational(code: string, n: string): string {
  switch (code) {
    case '44':
      if (/^(20|23|24|28|29)/.test(n)) return groups(n, [2, 4, 4]); // London, Southampton, Coventry, NI, Cardiff
      if (/^(1\d1|11\d|3|8|9)/.test(n)) return groups(n, [3, 3, 4]);
      return groups(n, [4, 6]); // mobiles 07xxx, most geographic numbers
    case '33':
      return groups(n, [1, 2, 2, 2, 2]);
    case '1':
      return groups(n, [3, 3, 4]);
    case '353':
      return groups(n, [2, 3, 4]);
    case '34':
      return groups(n, [3, 3, 3]);
    case '31':
      return n.startsWith('6') ? groups(n, [1, 8]) : groups(n, [2, 3, 4]);
    case '32':
      return n.startsWith('4') ? groups(n, [3, 2, 2, 2]) : groups(n, [1, 3, 2, 2]);
    case '41':
    case '43':
      return groups(n, [2, 3, 2, 2]);
    case '61':
      return n.startsWith('4') ? groups(n, [3, 3, 3]) : groups(n, [1, 4, 4]);
    case '49':
      if (n.startsWith('1')) return groups(n, [3, 8]); // mobiles 15x–17x
      return /^(30|40|69|89)/.test(n) ? groups(n, [2, 8]) : groups(n, [4, 7]); // Berlin, Hamburg, Frankfurt, Munich
    default:
      if (n.length <= 7) return groups(n, [3, 4]);
      if (n.length === 8) return groups(n, [4, 4]);
      if (n.length === 9) return groups(n, [3, 3, 3]);
      return groups(n, [3, 3, 4]);
  }
}

/** `+447700900123` → `+44 7700 900123`; anything that is not E.164 comes back as it is. */
export function formatPhone(e164: string | null | undefined): string {
  if (!e164) return '';
  if (!/^\+[1-9]\d{6,14}$/.test(e164)) return e164;
  const [code, national] = splitCallingCode(e164.slice(1));
  return `+${code} ${groupNational(code, national)}`;
}

const money = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `1234.5` → `1,234.50`. */
export const formatMoney = (value: number): string => money.format(value);
