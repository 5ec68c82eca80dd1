// The dockls extension: starts the dockls language server for Dockerfiles and Containerfiles.
//
// The server binary is looked up in order: the `dockls.path` setting, a binary bundled with the
// extension (`server/dockls`, `server/dockls.exe` on Windows), then `dockls` on PATH. When none is
// found, an error message offers the install steps.

import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

/** The install steps: the Install section of this extension's README. */
const INSTALL_URL = "https://github.com/dockls/dockls/blob/main/editors/vscode/README.md#install";

/** The keys of the `dockls` section the server reads; the others belong to the extension. */
const SERVER_KEYS = ["rules", "trustedRegistries", "registry", "inlayHints"] as const;

let client: LanguageClient | undefined;
let outputChannel: vscode.OutputChannel | undefined;
let starting: Promise<void> | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel("dockls");
  context.subscriptions.push(outputChannel);

  context.subscriptions.push(
    vscode.commands.registerCommand("dockls.restartServer", async () => {
      await restart(context);
    }),
  );

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("dockls.path")) {
        await restart(context);
      }
    }),
  );

  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

/** Starts the client unless one is running; concurrent calls share one start. */
async function start(context: vscode.ExtensionContext): Promise<void> {
  if (client) {
    return;
  }
  if (!starting) {
    starting = doStart(context).finally(() => {
      starting = undefined;
    });
  }
  return starting;
}

async function doStart(context: vscode.ExtensionContext): Promise<void> {
  const channel = outputChannel!;
  const found = findServer(context);
  if (!found) {
    await reportMissingServer();
    return;
  }
  channel.appendLine(`dockls: starting ${found.command} (${found.source})`);

  const serverOptions: ServerOptions = {
    run: { command: found.command, args: ["--stdio"], transport: TransportKind.stdio },
    debug: { command: found.command, args: ["--stdio"], transport: TransportKind.stdio },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: "dockerfile" }],
    initializationOptions: serverSettings(vscode.workspace.getConfiguration("dockls")),
    synchronize: { configurationSection: "dockls" },
    outputChannel: channel,
    traceOutputChannel: channel,
    middleware: {
      workspace: {
        // Answer `workspace/configuration` with only the settings the server knows, so it does
        // not log `dockls.path` and `dockls.trace` as unknown settings.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return result.map((value, index) => {
            const section = params.items[index]?.section;
            if (section === "dockls" && value && typeof value === "object") {
              return pick(value as Record<string, unknown>);
            }
            return value;
          });
        },
      },
    },
  };

  const newClient = new LanguageClient("dockls", "dockls", serverOptions, clientOptions);
  try {
    await newClient.start();
    client = newClient;
  } catch (error) {
    channel.appendLine(`dockls: the server failed to start: ${String(error)}`);
    void vscode.window.showErrorMessage(
      `dockls: the server at ${found.command} failed to start. See the "dockls" output for details.`,
    );
    try {
      await newClient.dispose();
    } catch {
      // Already stopped.
    }
  }
}

async function stop(): Promise<void> {
  const current = client;
  client = undefined;
  if (current) {
    try {
      await current.stop();
    } catch (error) {
      outputChannel?.appendLine(`dockls: stopping the server failed: ${String(error)}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  if (starting) {
    await starting;
  }
  outputChannel?.appendLine("dockls: restarting the server");
  await stop();
  await start(context);
}

/** The settings the server reads, from the `dockls` configuration section. */
function serverSettings(config: vscode.WorkspaceConfiguration): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const value = config.get(key);
    if (value !== undefined && value !== null) {
      settings[key] = value;
    }
  }
  return settings;
}

function pick(section: Record<string, unknown>): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    if (section[key] !== undefined && section[key] !== null) {
      settings[key] = section[key];
    }
  }
  return settings;
}

interface FoundServer {
  command: string;
  source: string;
}

const EXE = process.platform === "win32" ? "dockls.exe" : "dockls";

/** The server binary: `dockls.path`, else the bundled one, else `dockls` on PATH. */
function findServer(context: vscode.ExtensionContext): FoundServer | undefined {
  const channel = outputChannel!;
  const configured = expandHome(
    (vscode.workspace.getConfiguration("dockls").get<string>("path") ?? "").trim(),
  );
  if (configured) {
    if (isExecutable(configured)) {
      return { command: configured, source: "setting dockls.path" };
    }
    channel.appendLine(
      `dockls: the setting dockls.path is ${configured}, which is not an executable file`,
    );
    void vscode.window.showWarningMessage(
      `dockls: the setting dockls.path (${configured}) is not an executable file; looking for the bundled binary and PATH instead.`,
    );
  }

  for (const name of ["dockls", "dockls.exe"]) {
    const bundled = context.asAbsolutePath(path.join("server", name));
    if (process.platform !== "win32" && isFile(bundled) && !isExecutable(bundled)) {
      // An unpacker that dropped the executable bit; restore it.
      try {
        fs.chmodSync(bundled, 0o755);
      } catch (error) {
        channel.appendLine(`dockls: cannot make ${bundled} executable: ${String(error)}`);
      }
    }
    if (isExecutable(bundled)) {
      return { command: bundled, source: "bundled with the extension" };
    }
  }

  const onPath = searchPath(EXE);
  if (onPath) {
    return { command: onPath, source: "PATH" };
  }
  channel.appendLine(
    `dockls: no server found (dockls.path is ${configured ? configured : "unset"}, ` +
      `no server/ binary in ${context.extensionPath}, no ${EXE} on PATH ${process.env.PATH ?? ""})`,
  );
  return undefined;
}

/** Looks `name` up in each directory of PATH (with PATHEXT on Windows). */
function searchPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? process.env.Path ?? "").split(path.delimiter).filter(Boolean);
  const extensions =
    process.platform === "win32"
      ? ["", ...(process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").filter(Boolean)]
      : [""];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = path.join(dir, name.endsWith(".exe") ? name : name + extension);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== "win32") {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function expandHome(file: string): string {
  if (file === "~" || file.startsWith("~/")) {
    const home = process.env.HOME ?? process.env.USERPROFILE ?? "";
    return path.join(home, file.slice(1));
  }
  return file;
}

async function reportMissingServer(): Promise<void> {
  const install = "Install steps";
  const settings = "Set dockls.path";
  const choice = await vscode.window.showErrorMessage(
    "dockls: the dockls server was not found. Set dockls.path to the binary, or put dockls on your PATH.",
    install,
    settings,
  );
  if (choice === install) {
    await vscode.env.openExternal(vscode.Uri.parse(INSTALL_URL));
  } else if (choice === settings) {
    await vscode.commands.executeCommand("workbench.action.openSettings", "dockls.path");
  }
}
