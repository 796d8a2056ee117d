/**
 * Tenable Security Center wire shapes (tenable-api.md §6). They are declared once, beside the
 * other Tenable shapes the simulator serves, and re-exported here so the SC client and mapper
 * depend only on their own module.
 */
export type {
  ScAnalysisFilter,
  ScAnalysisRequest,
  ScAnalysisResponse,
  ScResponse,
  ScSeverity,
  ScTokenRequest,
  ScTokenResponse,
  ScVulnDetail,
} from '../tenable/tenable.api-types.ts';
