export { NessusClient, NessusExportError, type NessusClientOptions, type NessusExportOptions, type ScanExportJob, type ScanFindingsRequest } from './nessus-client.ts';
export type * from './nessus.api-types.ts';
