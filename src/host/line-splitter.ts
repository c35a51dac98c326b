// Splits a byte stream into lines as it arrives. A StringDecoder keeps a multi-byte UTF-8 character that straddles
// two chunks intact.

import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  readonly #emit: (line: string) => void;
  #pending = '';

  constructor(emit: (line: string) => void) {
    this.#emit = emit;
  }

  push(chunk: Uint8Array): void {
    this.#pending += this.#decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    let newline = this.#pending.indexOf('\n');
    while (newline !== -1) {
      this.#emit(this.#pending.slice(0, newline).replace(/\r$/, ''));
      this.#pending = this.#pending.slice(newline + 1);
      newline = this.#pending.indexOf('\n');
    }
  }

  /** The last line, if the output did not end with a newline. */
  end(): void {
    this.#pending += this.#decoder.end();
    if (this.#pending !== '') this.#emit(this.#pending.replace(/\r$/, ''));
    this.#pending = '';
  }
}
