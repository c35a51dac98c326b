// A one-line editor as a pure reducer: the value and where the cursor is.
export interface TextInputState {
  readonly value: string;
  readonly cursor: number;
}

export type TextEdit =
  | { readonly type: 'insert'; readonly text: string }
  | { readonly type: 'delete-back' }
  | { readonly type: 'left' }
  | { readonly type: 'right' }
  | { readonly type: 'home' }
  | { readonly type: 'end' }
  | { readonly type: 'clear' }
  | { readonly type: 'set'; readonly value: string };

export const textInputInit = (value: string): TextInputState => ({ value, cursor: value.length });

export const textInputReducer = (s: TextInputState, e: TextEdit): TextInputState => {
  switch (e.type) {
    case 'insert': {
      // A paste may carry a newline or a control character; a one-line answer never does.
      // eslint-disable-next-line no-control-regex -- control characters are what is removed
      const text = e.text.replace(/[\u0000-\u001f\u007f]/g, '');
      return { value: s.value.slice(0, s.cursor) + text + s.value.slice(s.cursor), cursor: s.cursor + text.length };
    }
    case 'delete-back':
      return s.cursor === 0 ? s : { value: s.value.slice(0, s.cursor - 1) + s.value.slice(s.cursor), cursor: s.cursor - 1 };
    case 'left':
      return { ...s, cursor: Math.max(0, s.cursor - 1) };
    case 'right':
      return { ...s, cursor: Math.min(s.value.length, s.cursor + 1) };
    case 'home':
      return { ...s, cursor: 0 };
    case 'end':
      return { ...s, cursor: s.value.length };
    case 'clear':
      return textInputInit('');
    case 'set':
      return textInputInit(e.value);
  }
};
