// `keelson completion bash`: a completion function for bash, made from the command definitions. The first word that
// is not an option is the command (keelson's own options take no value); after an option that takes a value, its
// choices or file names.
import { optionWords, type CommandSpec, type OptionSpec } from './command-spec.js';

/** A word list for compgen -W: keelson's words are plain, but nothing in it may reach the shell unquoted. */
const words = (list: readonly string[]): string => `'${list.join(' ').replaceAll("'", `'\\''`)}'`;

const valueCases = (options: readonly OptionSpec[]): string[] =>
  options
    .filter((o) => o.value !== undefined && o.long !== undefined)
    .map((o) => `      ${o.long}) ${o.choices.length > 0 ? `COMPREPLY=($(compgen -W ${words(o.choices)} -- "$cur"))` : 'COMPREPLY=($(compgen -f -- "$cur"))'}; return ;;`);

const commandCase = (c: CommandSpec): string => {
  const choices = c.arguments.flatMap((a) => a.choices);
  return [
    `    ${c.name})`,
    `      case "$prev" in`,
    ...valueCases(c.options),
    `      esac`,
    `      opts=${words([...c.options.flatMap(optionWords), ...choices])} ;;`,
  ].join('\n');
};

export const bashCompletion = (spec: CommandSpec): string => {
  const fn = `_${spec.name}_completion`;
  const top = [...spec.commands.map((c) => c.name), ...spec.options.flatMap(optionWords)];
  return `# bash completion for ${spec.name} (made by \`${spec.name} completion bash\`; load it with: source <(${spec.name} completion bash))
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="" opts="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  case "$cmd" in
    "") COMPREPLY=($(compgen -W ${words(top)} -- "$cur")); return ;;
${spec.commands.map(commandCase).join('\n')}
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F ${fn} ${spec.name}
`;
};
