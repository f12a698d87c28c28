import { z } from 'zod';

export const ClvModelNameSchema = z.enum(['bgnbd', 'pareto-nbd', 'gamma-gamma']);

export const ClvModelFitSchema = z
  .object({
    model: ClvModelNameSchema,
    /** The purchase model predictions use (the higher log-likelihood of BG/NBD and Pareto/NBD). */
    chosen: z.boolean(),
    /** By name (r, alpha, a, b; r, alpha, s, beta; p, q, gamma); null when it could not be fitted. */
    params: z.record(z.string(), z.number()).nullable(),
    standardErrors: z.record(z.string(), z.number()).nullable(),
    logLikelihood: z.number().nullable(),
    customers: z.number().int(),
    /** Why the model could not be fitted ("cannot fit: …"), or null. */
    cannotFit: z.string().nullable(),
    details: z.record(z.string(), z.number()),
  })
  .meta({ id: 'ClvModelFit' });

export const ClvModelSchema = z
  .object({
    /** The last fit, or null before the first. */
    fit: z
      .object({
        fittedAt: z.string(),
        /** The last day of purchases the fit saw (YYYY-MM-DD). */
        calibrationEnd: z.string(),
        /** Times are in weeks, spend in the currency's minor units. */
        timeUnit: z.literal('week'),
        models: z.array(ClvModelFitSchema),
      })
      .nullable(),
  })
  .meta({ id: 'ClvModel' });

export type ClvModelFit = z.infer<typeof ClvModelFitSchema>;
export type ClvModel = z.infer<typeof ClvModelSchema>;
