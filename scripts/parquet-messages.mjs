// The parquet layout of a messages-format dataset (a LIST of role/content structs, as Hugging Face writes it):
// one definition for the sample data, the dataset tests and the dataset benchmark.
import { parquetWriteBuffer } from 'hyparquet-writer';

export const MESSAGES_SCHEMA = [
  { name: 'root', num_children: 1 },
  { name: 'messages', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
  { name: 'role', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'content', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
];

/** `messages` arrays (or null) as a parquet file. */
export function messagesParquet(messages, { rowGroupSize = 1000, createdBy } = {}) {
  return new Uint8Array(parquetWriteBuffer({ ...(createdBy ? { createdBy } : {}), rowGroupSize, schema: MESSAGES_SCHEMA, columnData: [{ name: 'messages', data: messages }] }));
}
