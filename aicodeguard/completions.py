"""Shell completion scripts for bash, zsh and fish, generated from the argument parser.

`aicodeguard completions SHELL` walks `cli.build_parser()`: its subcommands (nested ones
included), their options and the choices those accept, so a new option or command is
completed without touching this module. Standard library only.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

SHELLS = ("bash", "zsh", "fish")
PROG = "aicodeguard"
# Values that name a file or folder get file completion; other free values (rule ids,
# numbers, git revisions) get none rather than misleading file names.
FILE_METAVARS = ("FILE", "PATH", "URL-OR-FILE")


@dataclass(frozen=True)
class Option:
    flags: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...]
    files: bool
    repeatable: bool


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]                     # () for `aicodeguard` itself
    help: str
    options: tuple[Option, ...]
    subcommands: tuple[tuple[str, str], ...]  # (name, help)
    positional_choices: tuple[str, ...]       # e.g. the shell of `completions`
    positional_files: bool                    # PATH... or FILE arguments
    positional_many: bool


def _help(action: argparse.Action) -> str:
    text = " ".join((action.help or "").split())
    return text.replace("%%", "%")


def _is_files(metavar) -> bool:
    return isinstance(metavar, str) and metavar in FILE_METAVARS


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = (),
         help_text: str = "") -> list[Command]:
    """Every command reachable from `parser`, depth first, the parser's own first."""
    options, subcommands, children = [], [], []
    choices: tuple[str, ...] = ()
    files = many = False
    for action in parser._actions:  # argparse has no public walk over its actions
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: _help(choice) for choice in action._choices_actions}
            for name, sub in action.choices.items():
                subcommands.append((name, helps.get(name, "")))
                children.append((sub, path + (name,), helps.get(name, "")))
        elif action.option_strings:
            if action.help == argparse.SUPPRESS:
                continue
            options.append(Option(
                flags=tuple(action.option_strings), help=_help(action),
                takes_value=action.nargs != 0,
                choices=tuple(str(c) for c in action.choices or ()),
                files=_is_files(action.metavar), repeatable=isinstance(
                    action, argparse._AppendAction)))
        else:
            choices = tuple(str(c) for c in action.choices or ())
            files = files or _is_files(action.metavar)
            many = many or action.nargs in ("*", "+")
    commands = [Command(path, help_text, tuple(options), tuple(subcommands), choices, files,
                        many)]
    for sub, sub_path, sub_help in children:
        commands.extend(walk(sub, sub_path, sub_help))
    return commands


def script(shell: str, parser: argparse.ArgumentParser | None = None) -> str:
    """The completion script for `shell` (one of SHELLS)."""
    if parser is None:
        from .cli import build_parser

        parser = build_parser()
    commands = walk(parser)
    render = {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell]
    return render(commands)


# -- bash ------------------------------------------------------------------------------

def _words(items) -> str:
    return " ".join(items)


def _bash(commands: list[Command]) -> str:
    steps = [f'            "{"/".join((" ".join(c.path[:-1]), c.path[-1]))}") '
             f'path="{" ".join(c.path)}" ;;' for c in commands if c.path]
    cases = []
    for command in commands:
        body = []
        value_cases = []
        for option in command.options:
            if not option.takes_value:
                continue
            flags = "|".join(option.flags)
            if option.choices:
                value_cases.append(f'{flags}) COMPREPLY=($(compgen -W "'
                                   f'{_words(option.choices)}" -- "$cur")); return ;;')
            elif option.files:
                value_cases.append(f'{flags}) COMPREPLY=($(compgen -f -- "$cur")); return ;;')
            else:
                value_cases.append(f"{flags}) return ;;")
        if value_cases:
            body.append('            case "$prev" in')
            body += [f"                {line}" for line in value_cases]
            body.append("            esac")
        flags = _words(flag for option in command.options for flag in option.flags)
        body.append(f'            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "{flags}"'
                    ' -- "$cur")); return; fi')
        if command.subcommands:
            names = _words(name for name, _ in command.subcommands)
            body.append(f'            COMPREPLY=($(compgen -W "{names}" -- "$cur"))')
        elif command.positional_choices:
            body.append(f'            COMPREPLY=($(compgen -W "'
                        f'{_words(command.positional_choices)}" -- "$cur"))')
        elif command.positional_files:
            body.append('            COMPREPLY=($(compgen -f -- "$cur"))')
        cases.append(f'        "{" ".join(command.path)}")\n' + "\n".join(body) + "\n            ;;")
    return f"""# bash completion for {PROG} (generated by `{PROG} completions bash`)
# Load it now:       source <({PROG} completions bash)
# or for every shell: {PROG} completions bash > ~/.local/share/bash-completion/completions/{PROG}
_{PROG}() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    local path="" word i
    # The command path so far: each word that names a subcommand of the path before it.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${{COMP_WORDS[i]}}"
        case "$path/$word" in
{chr(10).join(steps)}
        esac
    done
    COMPREPLY=()
    case "$path" in
{chr(10).join(cases)}
    esac
}}
complete -o filenames -o bashdefault -F _{PROG} {PROG}
"""


# -- zsh -------------------------------------------------------------------------------

def _zsh_quote(text: str, colons: bool = False) -> str:
    """Text inside single quotes: an `_arguments` [help] (brackets escaped) or, with
    `colons`, the name part of a `_describe` entry (colons escaped)."""
    text = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    if colons:
        text = text.replace(":", "\\:")
    return text.replace("'", "'\\''")


def _zsh_function(command: Command) -> str:
    return "_" + "_".join((PROG, *command.path)).replace("-", "_")


def _zsh(commands: list[Command]) -> str:
    functions = []
    for command in commands:
        specs = []
        for option in command.options:
            exclusive = f"({' '.join(option.flags)})" if len(option.flags) > 1 else ""
            if option.repeatable:
                exclusive = "*"
            value = ""
            if option.takes_value:
                label = option.flags[-1].lstrip("-")
                if option.choices:
                    value = f":{label}:({' '.join(option.choices)})"
                elif option.files:
                    value = f":{label}:_files"
                else:
                    value = f":{label}: "
            for flag in option.flags:
                specs.append(f"'{exclusive}{flag}[{_zsh_quote(option.help)}]{value}'")
        body = []
        if command.subcommands:
            specs += ["'1:command:->command'", "'*::argument:->argument'"]
            described = " ".join(f"'{_zsh_quote(name, colons=True)}:{_zsh_quote(text)}'"
                                 for name, text in command.subcommands)
            dispatch = "\n".join(f"        {name}) {_zsh_function(_child(command, name))} ;;"
                                 for name, _ in command.subcommands)
            body = ["  local curcontext=\"$curcontext\" state line",
                    "  typeset -A opt_args",
                    "  _arguments -C \\", *[f"    {spec} \\" for spec in specs], "    && return",
                    "  case $state in",
                    "    command)",
                    f"      local -a commands; commands=({described})",
                    f"      _describe -t commands '{' '.join((PROG, *command.path))} command' "
                    "commands ;;",
                    "    argument)",
                    "      case $words[1] in", dispatch, "      esac ;;",
                    "  esac"]
        else:
            if command.positional_choices:
                count = "*" if command.positional_many else "1"
                specs.append(f"'{count}:argument:({' '.join(command.positional_choices)})'")
            elif command.positional_files:
                specs.append("'*:file:_files'")
            body = ["  _arguments -s \\", *[f"    {spec} \\" for spec in specs], "    && return"]
        functions.append(f"{_zsh_function(command)}() {{\n" + "\n".join(body) + "\n}")
    return f"""#compdef {PROG}
# zsh completion for {PROG} (generated by `{PROG} completions zsh`)
# Load it now:       source <({PROG} completions zsh)
# or for every shell: {PROG} completions zsh > "${{fpath[1]}}/_{PROG}"

{(chr(10) + chr(10)).join(functions)}

if [ "$funcstack[1]" = "_{PROG}" ]; then
  _{PROG} "$@"
else
  compdef _{PROG} {PROG}
fi
"""


def _child(command: Command, name: str) -> Command:
    return Command(command.path + (name,), "", (), (), (), False, False)


# -- fish ------------------------------------------------------------------------------

def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_condition(path: tuple[str, ...]) -> str:
    if not path:
        return "__fish_use_subcommand"
    return "; and ".join(f"__fish_seen_subcommand_from {name}" for name in path)


def _fish(commands: list[Command]) -> str:
    lines = [f"# fish completion for {PROG} (generated by `{PROG} completions fish`)",
             f"# Install: {PROG} completions fish > ~/.config/fish/completions/{PROG}.fish",
             f"complete -c {PROG} -f"]
    for command in commands:
        condition = _fish_condition(command.path)
        if command.subcommands:
            names = " ".join(name for name, _ in command.subcommands)
            offer = condition if not command.path else (
                f"{condition}; and not __fish_seen_subcommand_from {names}")
            for name, text in command.subcommands:
                lines.append(f"complete -c {PROG} -n {_fish_quote(offer)} -a {name} "
                             f"-d {_fish_quote(text)}")
        for option in command.options:
            parts = [f"complete -c {PROG} -n {_fish_quote(condition)}"]
            for flag in option.flags:
                parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
            if option.takes_value:
                if option.choices:
                    parts.append(f"-x -a {_fish_quote(' '.join(option.choices))}")
                elif option.files:
                    parts.append("-r -F")
                else:
                    parts.append("-x")
            parts.append(f"-d {_fish_quote(option.help)}")
            lines.append(" ".join(parts))
        if not command.subcommands and command.path:
            if command.positional_choices:
                lines.append(f"complete -c {PROG} -n {_fish_quote(condition)} -a "
                             f"{_fish_quote(' '.join(command.positional_choices))}")
            elif command.positional_files:
                lines.append(f"complete -c {PROG} -n {_fish_quote(condition)} -F")
    return "\n".join(lines) + "\n"
