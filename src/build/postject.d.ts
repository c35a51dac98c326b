// postject ships no types: the one function build-sea.mjs calls, as its README documents it.
declare module 'postject' {
  export function inject(filename: string, resourceName: string, resourceData: Buffer, options?: { sentinelFuse?: string; machoSegmentName?: string; overwrite?: boolean }): Promise<void>;
}
