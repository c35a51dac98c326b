// The deployment record's reading API: every flow and command reads what is deployed through this module.
export { RECORD_FORMAT, RECORD_FORMAT_V1, RECORD_PATH, HISTORY_LIMIT, type HistoryEntry, type HostRecord, type RecordArchive, type RunKind, type StackRecord, type Uninstalled } from './record-schema.js';
export { parseRecord, readRecord, stackRecordOf, type RecordFile } from './parse-record.js';
