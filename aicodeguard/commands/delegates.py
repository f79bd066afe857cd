"""Subcommands that hand over to one library function: install-hooks, commit-msg,
completions and lsp."""

from __future__ import annotations

import sys

from . import EXIT_CLEAN


def install_hooks(args) -> int:
    from ..install_hooks import install, uninstall

    return uninstall() if args.uninstall else install(notes=args.notes, trailer=args.trailer)


def commit_msg(args) -> int:
    from ..custody.checked import commit_msg as check_message

    return check_message(args.message_file)


def completions(args) -> int:
    from ..completions import script  # walks cli.build_parser()

    sys.stdout.write(script(args.shell))
    return EXIT_CLEAN


def lsp(args) -> int:
    from ..lsp_server import serve  # pygls and lsprotocol load only here

    return serve(args.tcp, args.debug)
