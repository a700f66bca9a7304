export declare const MESSAGES_SCHEMA: ReadonlyArray<Record<string, unknown>>;
export declare function messagesParquet(
  messages: Array<Array<{ role: string | null; content: string | null }> | null>,
  opts?: { rowGroupSize?: number; createdBy?: string },
): Uint8Array;
