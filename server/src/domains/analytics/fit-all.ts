import { fitGammaGamma, fitPurchaseModels } from './models/fit.ts';
import { groupSummaries, type CustomerSummaries } from './models/summary.ts';

export type FitInput = Pick<CustomerSummaries, 'x' | 'txDays' | 'TDays' | 'meanRepeatValue'>;

/** Every model of an organization's summaries: BG/NBD and Pareto/NBD (and the choice), Gamma-Gamma. */
export function fitCustomerValue(input: FitInput) {
  const purchase = fitPurchaseModels(groupSummaries(input));
  const spend = fitGammaGamma(input.x, input.meanRepeatValue);
  let repeatBuyers = 0;
  for (let i = 0; i < input.x.length; i++) if (input.x[i]! > 0 && input.meanRepeatValue[i]! > 0) repeatBuyers++;
  return { ...purchase, spend, customers: input.x.length, repeatBuyers };
}

export type CustomerValueFit = ReturnType<typeof fitCustomerValue>;
