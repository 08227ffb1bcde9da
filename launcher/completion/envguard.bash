# bash completion for envguard (installed as share/bash-completion/completions/envguard).
# Subcommands, their options, --mode and --format values, and profile names, which come from
# `envguard profiles` (so profiles from an envguard.toml appear as well). Works with or without the
# bash-completion package: it reads COMP_LINE itself, so NAME=VALUE and --opt=value stay one word.

# The names `envguard profiles` lists: each profile starts a line as "NAME (origin)"; its description
# and operations are indented below it.
_envguard_profile_names() { # envguard [profiles options...]
  "$@" 2>/dev/null | sed -n 's/^\([^[:space:](]\{1,\}\) (.*/\1/p'
}

_envguard() {
  local line=${COMP_LINE:0:COMP_POINT}
  local -a words
  read -ra words <<<"$line"
  local cur=""
  if [[ $line == *[[:space:]] || ${#words[@]} -eq 0 ]]; then
    words+=("")
  fi
  local cword=$((${#words[@]} - 1))
  cur=${words[cword]}
  local prog=${words[0]/#\~/$HOME}
  COMPREPLY=()

  local subcommands="run coverage check profiles"
  local -A options=(
    [run]="-h --help -i --ignore-environment -u --unset --profile --config --prepend-path --append-path --dry-run --no-preflight"
    [coverage]="-h --help --mode --html --open --text --lcov --json --cobertura -p --package --packages --workspace --exclude -F --features --all-features --no-default-features --clean --output-path --dry-run --no-preflight"
    [check]="-h --help --profile --config --format --for --manifest-path --no-rustc-wrapper"
    [profiles]="-h --help --config"
  )
  # options that take a value (the next word, or after '=')
  local with_value=" -u --unset --profile --config --prepend-path --append-path --mode -p --packages --exclude --output-path --format --manifest-path --package -F --features --for "

  local i sub="" sub_at=0
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      -*) ;;
      *) sub=${words[i]}; sub_at=$i; break ;;
    esac
  done
  if [[ -z $sub ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "-h --help --version" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))
    fi
    return 0
  fi
  [[ -n ${options[$sub]+set} ]] || return 0

  # --config FILE given earlier: list the profiles from that file
  local -a config=()
  local dashes=0 command_at=0
  for ((i = sub_at + 1; i < cword; i++)); do
    local w=${words[i]}
    if [[ $w == -- ]]; then dashes=$i; break; fi
    if [[ $w == --config=* ]]; then config=(--config "${w#--config=}"); fi
    if [[ $w == --config && $((i + 1)) -lt $cword ]]; then config=(--config "${words[i + 1]}"); fi
    if [[ $with_value == *" $w "* ]]; then ((i++)); continue; fi
    # run: the first word that is neither an option nor NAME=VALUE is the command
    if [[ $sub == run && $w != -* && $w != *=* ]]; then command_at=$i; break; fi
  done

  if ((dashes > 0 || command_at > 0)); then
    # after --: run's command, then its arguments (files); coverage's extra arguments (files)
    if [[ $sub == run ]] && ((command_at == 0 && dashes == cword - 1)); then
      COMPREPLY=($(compgen -c -- "$cur"))
    fi
    return 0  # empty: bash falls back to file names (complete -o default)
  fi

  # the option whose value is being completed: "--opt VALUE" or "--opt=VALUE"
  local option="" value=$cur
  if [[ $cur == --*=* ]]; then
    option=${cur%%=*}
    value=${cur#*=}
  elif ((cword - 1 > sub_at)) && [[ $with_value == *" ${words[cword - 1]} "* ]]; then
    option=${words[cword - 1]}
  fi
  # what bash replaces is the part after the last '=' when '=' breaks words (the default)
  local keep=""
  if [[ $COMP_WORDBREAKS != *=* && $cur == *=* && $option != "" ]]; then keep="$option="; fi

  if [[ -n $option ]]; then
    case $option in
      --profile) COMPREPLY=($(compgen -W "$(_envguard_profile_names "$prog" profiles "${config[@]}")" -- "$value")) ;;
      --mode) COMPREPLY=($(compgen -W "html open text lcov json fast ci cobertura" -- "$value")) ;;
      --for) COMPREPLY=($(compgen -W "build coverage" -- "$value")) ;;
      --format) COMPREPLY=($(compgen -W "text json" -- "$value")) ;;
      -u | --unset) COMPREPLY=($(compgen -e -- "$value")) ;;
      --prepend-path | --append-path)
        if [[ $value != *=* ]]; then
          COMPREPLY=($(compgen -e -S = -- "$value"))
          compopt -o nospace 2>/dev/null
        fi ;;  # after NAME=: a directory (file fallback)
      --manifest-path) COMPREPLY=($(compgen -f -- "$value")) ;;
      *) ;;  # --config, --output-path: files; -p, --exclude: package names (not completed)
    esac
    [[ -n $keep ]] && COMPREPLY=("${COMPREPLY[@]/#/$keep}")
    return 0
  fi

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "${options[$sub]}" -- "$cur"))
  elif [[ $sub == run && $cur != *=* ]]; then
    # NAME=VALUE assignments, or the command
    COMPREPLY=($(compgen -e -S = -- "$cur") $(compgen -c -- "$cur"))
    [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
  fi
  return 0
}

complete -o default -F _envguard envguard
