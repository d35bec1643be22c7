import Foundation
import PackagePlugin

/// Embeds shell-hooks/shq.bash, shq.zsh and shq.fish (the source of truth) into the ShqHooks module as string
/// constants, regenerated whenever a script changes, so the installed binary needs no files beside it.
@main
struct EmbedShellHooks: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let hooks = context.package.directoryURL.appending(path: "shell-hooks")
        let inputs = ["shq.bash", "shq.zsh", "shq.fish"].map { hooks.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedShellHooks.swift")
        // A raw string literal (####"""…"""####) holds the script byte for byte; the last newline before
        // the closing delimiter is not part of the string, so the file's own final newline is kept.
        let generator = #"""
            out=$1; shift
            quotes='""'\"
            {
              echo '// Generated at build time from shell-hooks/ by the EmbedShellHooks plugin. Do not edit.'
              echo 'enum EmbeddedShellHooks {'
              for f in "$@"; do
                name=$(basename "$f" | tr . _)
                printf '    static let %s = ####%s\n' "$name" "$quotes"
                cat "$f"
                printf '\n%s####\n' "$quotes"
              done
              echo '}'
            } > "$out.tmp" && mv "$out.tmp" "$out"
            """#
        return [
            .buildCommand(
                displayName: "Embedding shell hooks",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", generator, "embed", output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]),
        ]
    }
}
