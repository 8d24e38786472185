# vim: set filetype=fish expandtab tabstop=4 shiftwidth=4:
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# fish completion for wgq(8). _wgq_test_root, if set, stands in for / when looking at
# the system: for tests only.

# The arguments before the cursor, without the command and the options (--dry-run,
# --no-dns, --all, --kill-switch[=LEVEL], --netns and its value).
function __wgq_args
    set -l tokens (commandline -opc)
    set -l skip 0
    for t in $tokens[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $t
            case --dry-run --no-dns --all --kill-switch '--kill-switch=*' '--netns=*'
            case --netns
                set skip 1
            case '*'
                printf '%s\n' $t
        end
    end
end

# __wgq_flag_ok FLAG VERB...: whether FLAG is not given yet and the verb is one of
# VERB, with at most one argument after it.
function __wgq_flag_ok -a flag
    set -l args (__wgq_args)
    set -l tokens (commandline -opc)
    test (count $args) -ge 1 -a (count $args) -le 2; or return 1
    contains -- $args[1] $argv[2..-1]; or return 1
    contains -- $flag $tokens; and return 1
    string match -q -- "$flag=*" $tokens; and return 1
    return 0
end

# Whether the word under the cursor is the value of --netns.
function __wgq_after_netns
    set -l tokens (commandline -opc)
    test (count $tokens) -ge 2; and test "$tokens[-1]" = --netns
end

# Named network namespaces (/run/netns/NAME) for --netns.
function __wgq_netns_names
    for f in (__wgq_root)/run/netns/*
        string replace -r '^.*/' '' -- $f
    end
end

# __wgq_want KIND: whether the word under the cursor is a KIND: verb, dryverb (a verb
# after --dry-run), option (-h, --help, --version), dryrun, config, interface,
# kssub (on, off, status), ksconfig (after killswitch on or status), ksoff (after
# killswitch off), all (--all), ksnetns (--netns after killswitch ACTION) or killswitch
# (--kill-switch[=LEVEL]).
function __wgq_want -a kind
    set -l args (__wgq_args)
    set -l tokens (commandline -opc)
    set -l dry 0
    contains -- --dry-run $tokens; and set dry 1
    __wgq_after_netns; and return 1
    set -l all 0
    contains -- --all $tokens; and set all 1
    if test "$args[1]" = killswitch
        switch $kind
            case kssub
                test (count $args) -eq 1
            case ksconfig
                test (count $args) -eq 2 -a $all -eq 0; and contains -- $args[2] on status
            case ksoff
                test (count $args) -eq 2 -a $all -eq 0 -a "$args[2]" = off
            case all
                test (count $args) -eq 2 -a $all -eq 0 -a "$args[2]" = off
            case dryrun
                test $dry -eq 0 -a (count $args) -le 3; and contains -- "$args[2]" on off
            case ksnetns
                test (count $args) -ge 2; or return 1
                contains -- --netns $tokens; and return 1
                not string match -q -- '--netns=*' $tokens
            case '*'
                return 1
        end
        return
    end
    switch $kind
        case killswitch
            string match -q -- '-*' (commandline -ct); or return 1
            string match -q -r -- '^--kill-switch' $tokens; and return 1
            test (count $args) -ge 1 -a (count $args) -le 2; and contains -- $args[1] up reload
        case verb option
            test (count $args) -eq 0 -a $dry -eq 0
        case dryverb
            test (count $args) -eq 0 -a $dry -eq 1
        case dryrun
            test $dry -eq 0; or return 1
            test (count $args) -eq 0; and return 0
            contains -- $args[1] up down reload; and test (count $args) -le 2
        case config
            test (count $args) -eq 1; and contains -- $args[1] up strip reload
        case interface
            test (count $args) -eq 1; and contains -- $args[1] down save
        case '*'
            return 1
    end
end

# The directory that stands for /: empty, except in tests.
function __wgq_root
    set -q _wgq_test_root; and printf '%s\n' $_wgq_test_root; or echo ''
end

# Names of /etc/wireguard/NAME.conf that wgq would take as an interface name.
function __wgq_config_names
    for f in (__wgq_root)/etc/wireguard/*.conf
        test -f $f; or continue
        string replace -r '^.*/(.*)\.conf$' '$1' -- $f |
            string match -r '^[a-zA-Z0-9_=+.-]{1,15}$'
    end
end

# Running WireGuard interfaces: kernel links, then userspace control sockets.
function __wgq_interfaces
    set -l root (__wgq_root)
    for f in $root/sys/class/net/*/uevent
        test -r $f; or continue
        string match -q -- DEVTYPE=wireguard <$f
        and string replace -r '^.*/([^/]*)/uevent$' '$1' -- $f
    end
    for f in $root/var/run/wireguard/*.sock
        test -S $f; and string replace -r '^.*/(.*)\.sock$' '$1' -- $f
    end
end

# *.conf files and directories for the word under the cursor. A word without a slash
# is completed in the current directory as ./NAME, because wgq reads a bare NAME.conf
# as an interface name (/etc/wireguard/NAME.conf.conf).
function __wgq_config_files
    set -l word (commandline -ct)
    set -q word[1]; or set word ''
    # fish offers ./NAME only once a dot is typed; a lone dot means ./ then.
    test "$word" = .; and set word ./
    set -l prefix
    string match -q -- '*/*' $word; or set prefix ./
    # fish's * skips hidden entries unless the word itself starts them with a dot.
    for f in $word*
        if test -d $f
            printf '%s%s/\n' $prefix $f
        else if test -f $f; and string match -q -- '*.conf' $f
            printf '%s%s\n' $prefix $f
        end
    end
end

complete -c wgq -f
complete -c wgq -n '__wgq_want verb' -a up -d 'Create and configure the interface'
complete -c wgq -n '__wgq_want verb' -a down -d 'Remove the interface and what up added'
complete -c wgq -n '__wgq_want verb' -a save -d 'Write the running state back to the file'
complete -c wgq -n '__wgq_want verb' -a strip -d 'Print the config for wg(8)'
complete -c wgq -n '__wgq_want verb' -a reload -d 'Apply a changed config to the running interface'
complete -c wgq -n '__wgq_want verb' -a killswitch -d 'Close, open or check a kill switch'
complete -c wgq -n '__wgq_want verb' -a help -d 'Print the usage'
complete -c wgq -n '__wgq_want dryverb' -a up -d 'Print the plan of up'
complete -c wgq -n '__wgq_want dryverb' -a down -d 'Print the plan of down'
complete -c wgq -n '__wgq_want dryverb' -a reload -d 'Print the plan of reload'
complete -c wgq -n '__wgq_want option' -s h -l help -d 'Print the usage'
complete -c wgq -n '__wgq_want option' -l version -d 'Print the version'
complete -c wgq -n '__wgq_want dryrun' -l dry-run -d 'Print the plan, change nothing'
complete -c wgq -n '__wgq_flag_ok --netns up down save reload' -l netns -r \
    -d 'Network namespace of the interface'
complete -c wgq -n '__wgq_flag_ok --no-dns up reload' -l no-dns -d 'Ignore the DNS key'
complete -c wgq -n __wgq_after_netns -a '(__wgq_netns_names)' -d 'Network namespace'
complete -c wgq -n '__wgq_want config' -a '(__wgq_config_names)' -d Configuration
complete -c wgq -n '__wgq_want config' -a '(__wgq_config_files)'
complete -c wgq -n '__wgq_want interface' -a '(__wgq_interfaces)' -d 'WireGuard interface'
complete -c wgq -n '__wgq_want interface; and string match -q -- "*/*" (commandline -ct)' \
    -a '(__wgq_config_files)'
complete -c wgq -n '__wgq_want kssub' -a on -d 'Close the kill switch of an interface now'
complete -c wgq -n '__wgq_want kssub' -a off -d 'Open the kill switch of an interface'
complete -c wgq -n '__wgq_want kssub' -a status -d 'Check the kill switches'
complete -c wgq -n '__wgq_want ksconfig' -a '(__wgq_config_names)' -d Configuration
complete -c wgq -n '__wgq_want ksconfig' -a '(__wgq_config_files)'
complete -c wgq -n '__wgq_want ksoff' -a '(begin; __wgq_config_names; __wgq_interfaces; end | sort -u)' \
    -d Interface
complete -c wgq -n '__wgq_want ksnetns' -l netns -r \
    -d 'The network namespace of the kill switch'
complete -c wgq -n '__wgq_want all' -l all -d 'Open every kill switch of this namespace'
complete -c wgq -n '__wgq_want killswitch' -a '--kill-switch --kill-switch=on' \
    -d 'Close a kill switch, level on at least'
complete -c wgq -n '__wgq_want killswitch' -a --kill-switch=lockdown \
    -d 'Close a kill switch that down keeps'
