// `keelson completion zsh`: a completion function for zsh's _arguments, made from the command definitions.
import type { CommandSpec, OptionSpec } from './command-spec.js';

/** Inside a single-quoted zsh word. */
const quoted = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
/** Text inside an _arguments [description] or after a colon: its own brackets and colons escaped. */
const inSpec = (s: string): string => s.replace(/[\\[\]:]/g, (c) => `\\${c}`);

const optionSpecs = (o: OptionSpec): string[] => {
  const names = [o.short, o.long].filter((n): n is string => n !== undefined);
  const exclusive = names.length > 1 ? `(${names.join(' ')})` : '';
  const action = o.choices.length > 0 ? `(${o.choices.join(' ')})` : '_files';
  const value = o.value === undefined ? '' : `:${inSpec(o.value.slice(1, -1))}:${action}`;
  return names.map((n) => quoted(`${exclusive}${n}${o.value !== undefined && n.startsWith('--') ? '=' : ''}[${inSpec(o.description)}]${value}`));
};

const argumentSpecs = (c: CommandSpec): string[] =>
  c.arguments.map((a) => quoted(`${a.required ? '' : ':'}:${inSpec(a.description || a.name)}:${a.choices.length > 0 ? `(${a.choices.join(' ')})` : '_files'}`));

const commandCase = (c: CommandSpec): string =>
  [`        ${c.name})`, `          _arguments \\`, ...[...c.options.flatMap(optionSpecs), ...argumentSpecs(c)].map((s) => `            ${s} \\`), `          ;;`].join('\n').replace(/ \\\n {10};;/, '\n          ;;');

export const zshCompletion = (spec: CommandSpec): string => {
  const fn = `_${spec.name}`;
  return `#compdef ${spec.name}
# zsh completion for ${spec.name} (made by \`${spec.name} completion zsh\`): source <(${spec.name} completion zsh), or save it as ${fn} in $fpath
${fn}() {
  local state line
  local -a commands
  commands=(
${spec.commands.map((c) => `    ${quoted(`${c.name.replaceAll(':', '\\:')}:${c.description}`)}`).join('\n')}
  )
  _arguments -C \\
${spec.options.flatMap(optionSpecs).map((s) => `    ${s} \\`).join('\n')}
    '1: :->command' \\
    '*:: :->args'
  case $state in
    command) _describe -t commands '${spec.name} command' commands ;;
    args)
      case $line[1] in
${spec.commands.map(commandCase).join('\n')}
      esac
      ;;
  esac
}
if [ "$funcstack[1]" = "${fn}" ]; then ${fn} "$@"; else compdef ${fn} ${spec.name}; fi
`;
};
