import ArgumentParser
import ShqQuery
import ShqRender
import ShqRun
import ShqStore
import ShqSystem

struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        _superCommandName: Shq.name,
        abstract: "Run a read-only SQL query on the history.",
        discussion: """
            The connection is read-only: statements that would change anything are refused. \
            Views: invocations (every command, readable columns), failed_invocations, invocations_today, \
            running_invocations. Tables: invocation_events, sessions, outputs, blobs, blob_chunks, chunk_summaries, and the \
            compact rows behind the views: invocation_rows, dirs, names, sources. \
            Output is not readable here: blob_chunks says where each zstd chunk is (file_offset and \
            file_length in the store's chunk file, <database>-chunks; only chunks stored before shq kept \
            them there are in data); read output with shq show. \
            Times are microseconds since the epoch: datetime(started_at / 1e6, 'unixepoch'). \
            In json and jsonl, integers and reals are JSON numbers, NULL is null, text and blobs are strings.

              shq sql "SELECT cmd, count(*) FROM invocations GROUP BY cmd ORDER BY 2 DESC LIMIT 10"
            """,
        aliases: ["q"]
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The query.")
    var query: String

    @Option(help: "table, json, jsonl or csv.")
    var format: OutputFormat = .table

    func run() throws {
        let result = try ReadOnlySQL.run(query, on: store.openExisting().ingestingHookSpool())
        let text: String
        switch format {
        case .json, .jsonl:
            let objects = result.jsonObjects
            text = format == .json ? "[" + objects.joined(separator: ",\n") + "]\n" : objects.map { $0 + "\n" }.joined()
        case .csv:
            text = CSVText.row(result.columns) + result.rows.map { CSVText.row($0.map(\.text)) }.joined()
        case .table:
            var table = Table(headers: result.columns)
            for row in result.rows { table.add(row.map { ($0.text ?? "NULL").singleLine }) }
            text = table.render()
        }
        _ = writeAll(1, Array(text.utf8))
    }
}
