export { DEFAULT_SC_PAGE_SIZE, MAX_SC_PAGE_SIZE, TenableScClient, scNumber, unwrapScResponse, vulnDetailsRequest, type TenableScClientOptions, type VulnDetailsQuery } from './sc-client.ts';
export { ScApiError, ScResponseError } from './errors.ts';
export { mapScVulnDetail, pluginOutput, scParseEvents, type ScMappingOptions } from './mapper.ts';
export type * from './sc.api-types.ts';
