"""File kinds read only by the text passes (`rules/text/`): no grammar, no package names.

Chosen deliberately, so a scan does not read every file of a repository:
  - ``dotenv``: ``.env`` files, where secrets are written on purpose and committed by
    mistake;
  - ``config``: YAML, JSON, TOML, INI/CFG/CONF, Java properties, Terraform and the
    credential files of package managers (``.npmrc``, ``.pypirc``, ``.netrc``) — the
    formats deployment settings and credentials live in;
  - ``ai-instructions``: the files that steer AI coding assistants (Cursor, Windsurf,
    Copilot, Claude Code, Gemini, Cline, Aider rules; MCP server configurations), where
    hidden Unicode and injected instructions reach the assistant unread by people.
Other generated data is left out: it is large and holds no settings.  (Lock files are a
kind of their own, "lockfile" in languages.py: their pinned versions are checked.)
Markdown, shell scripts and Dockerfiles are already read (for package names) and get the
text passes too.
"""

from __future__ import annotations

# Whole file names of instruction files and MCP configurations.
INSTRUCTION_NAMES = frozenset({
    ".cursorrules", ".windsurfrules", ".clinerules", ".roorules", "AGENTS.md", "AGENT.md",
    "CLAUDE.md", "CLAUDE.local.md", "GEMINI.md", "copilot-instructions.md",
    ".mcp.json", "mcp.json", "mcp_config.json", "claude_desktop_config.json",
    "cline_mcp_settings.json",
})
# Name endings of instruction files (Copilot prompt, instruction, chat mode and agent files;
# Cursor's .mdc rules).
INSTRUCTION_SUFFIXES = (".instructions.md", ".prompt.md", ".chatmode.md", ".agent.md", ".mdc")
# Folders whose prose and settings files steer an assistant (matched as path segments;
# scripts and code in them keep their own language).
INSTRUCTION_FOLDERS = (
    ".cursor/", ".windsurf/rules/", ".clinerules/", ".roo/", ".kiro/steering/",
    ".amazonq/rules/", ".continue/rules/", ".junie/", ".claude/", ".gemini/",
    ".github/instructions/", ".github/prompts/", ".github/chatmodes/", ".github/agents/",
)
# Aider's configuration: `.aider.conf.yml` and friends, not its chat histories and caches.
_AIDER_PREFIX = ".aider."
_AIDER_SKIP = ("history", "cache")

DOTENV_NAMES = frozenset({".env", ".envrc", ".flaskenv"})
CONFIG_NAMES = frozenset({".npmrc", ".pypirc", ".netrc", ".yarnrc"})
CONFIG_EXTENSIONS = frozenset({
    ".yml", ".yaml", ".json", ".jsonc", ".json5", ".toml", ".ini", ".cfg", ".conf",
    ".properties", ".tf", ".tfvars", ".hcl",
})
# Generated files in config formats: large, and never hand-written settings.
GENERATED_NAMES = frozenset({
    "package-lock.json", "npm-shrinkwrap.json", "composer.lock", "tokenizer.json",
    "vocab.json", ".aicodeguard-baseline.json",
})


_FOLDER_FILE_EXTENSIONS = frozenset({"", ".md", ".mdc", ".txt", ".json", ".jsonc", ".yml",
                                     ".yaml", ".toml"})


def is_instruction_file(path: str) -> bool:
    normalized = "/" + path.replace("\\", "/")
    base = normalized.rsplit("/", 1)[-1]
    if base in INSTRUCTION_NAMES or base.endswith(INSTRUCTION_SUFFIXES):
        return True
    if base.startswith(_AIDER_PREFIX):
        return not any(word in base for word in _AIDER_SKIP)
    extension = base[base.rfind("."):].lower() if "." in base[1:] else ""
    return extension in _FOLDER_FILE_EXTENSIONS and any(
        f"/{folder}" in normalized for folder in INSTRUCTION_FOLDERS)


def text_kind(path: str, base: str, extension: str) -> str | None:
    """The text kind of a file (see the module docstring), or None."""
    if is_instruction_file(path):
        return "ai-instructions"
    if base in DOTENV_NAMES or base.startswith(".env.") or extension == ".env":
        return "dotenv"
    if base in GENERATED_NAMES or base.endswith((".min.json", ".lock.json")):
        return None
    if base in CONFIG_NAMES or extension in CONFIG_EXTENSIONS:
        return "config"
    return None
