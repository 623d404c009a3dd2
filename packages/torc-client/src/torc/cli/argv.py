"""Reading ``torc``'s command line before typer does: which words name the command,
``-f json`` given after it, and the private server of ``-s`` started while the rest of
the command loads."""

from __future__ import annotations

from pathlib import Path

from torc.standalone import StandaloneError, StandaloneServer

# Commands whose own -f means something else; everywhere else -f/--format may follow the
# subcommand and is moved in front of it (the seeds show both positions).
OWN_F = {("config", "show"), ("config", "init"), ("plot-resources",)}
ROOT_VALUED = {
    "--log-level",
    "--url",
    "--username",
    "--password",
    "--token",
    "--ca-cert",
    "--cookie-header",
    "--db",
    "--snapshot-interval-seconds",
    "-f",
    "--format",
}


def command_words(argv: list[str]) -> list[str]:
    """The words naming the subcommand: arguments that are neither options nor root values."""
    words: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ROOT_VALUED and not words:
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
    return words


def hoist_format(argv: list[str]) -> list[str]:
    """Move ``-f/--format table|json`` given after a subcommand to the root."""
    words = command_words(argv)
    if any(tuple(words[: len(cmd)]) == cmd for cmd in OWN_F):
        return argv
    for i, arg in enumerate(argv):
        if arg in ("-f", "--format") and i + 1 < len(argv) and argv[i + 1] in ("table", "json"):
            return [arg, argv[i + 1], *argv[:i], *argv[i + 2 :]]
        if arg.startswith("--format=") and arg.split("=", 1)[1] in ("table", "json"):
            return [arg, *argv[:i], *argv[i + 1 :]]
    return argv


def early_server(argv: list[str]) -> StandaloneServer | None:
    """The private server of ``torc -s <command>``, started before typer parses anything.

    The server takes about a second to boot, and parsing alone imports pydantic (0.1 s)
    before the root callback runs: started here, it boots meanwhile. Only the root
    options are read, and nothing starts when help or the version is asked for; the root
    callback adopts this server if its options agree and otherwise stops it.
    """
    if not command_words(argv) or {"-h", "--help", "-V", "--version"} & set(argv):
        return None
    options: dict[str, str | bool] = {}
    words = iter(argv)
    for arg in words:
        name, _, value = arg.partition("=")
        if name in ("-s", "--standalone", "--in-memory"):
            options[name] = True
        elif name in ROOT_VALUED:
            options[name] = value or next(words, "")
        elif not arg.startswith("-"):
            break  # the command: what follows is its own
    if not ({"-s", "--standalone", "--in-memory"} & set(options)):
        return None
    try:
        db = options.get("--db")
        interval = options.get("--snapshot-interval-seconds")
        server = StandaloneServer(
            Path(db) if isinstance(db, str) else None,
            in_memory="--in-memory" in options,
            snapshot_interval=float(interval) if isinstance(interval, str) else None,
        )
        server.start()
    except (ValueError, StandaloneError, OSError):
        return None  # the root callback reports what is wrong
    return server
