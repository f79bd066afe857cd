// The VS Code side of aicodeguard: start `aicodeguard lsp` and hand it the editor's
// documents and settings. Everything else (diagnostics, quick fixes, hover) is the server's.
import { ExtensionContext, workspace } from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

const LANGUAGES = [
  "python", "javascript", "javascriptreact", "typescript", "typescriptreact",
  "markdown", "json", "toml", "pip-requirements", "shellscript", "dockerfile",
];

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const settings = workspace.getConfiguration("aicodeguard");
  const command = settings.get<string>("path") || "aicodeguard";
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...LANGUAGES.map((language) => ({ scheme: "file", language })),
      ...LANGUAGES.map((language) => ({ scheme: "untitled", language })),
      { scheme: "file", pattern: "**/{.cursorrules,.windsurfrules,requirements*.txt,Pipfile,.env,.env.*}" },
    ],
    initializationOptions: { settings },
    // Tell the server when the settings change; it then asks for them (workspace/configuration).
    synchronize: { configurationSection: "aicodeguard" },
  };
  client = new LanguageClient("aicodeguard", "aicodeguard", serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
