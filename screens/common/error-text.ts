// An error as the operator reads it: what happened, and (HostError, UsageError) what to do next.
export interface ErrorText {
  readonly message: string;
  readonly remedy?: string;
}

export const errorText = (e: unknown): ErrorText => {
  if (e instanceof Error) {
    const remedy = (e as { remedy?: unknown }).remedy;
    return typeof remedy === 'string' && remedy !== '' ? { message: e.message, remedy } : { message: e.message };
  }
  return { message: String(e) };
};
