import ShqRender

/// What the preview pane shows of the selected line's newest record (filled from the store by the
/// terminal driver; plain values here so frames can be tested as strings).
public struct PickPreview: Sendable, Equatable {
    /// `exit 0`, `exit 2`, `signal 9`, `running`…
    public var status: String
    public var failed: Bool
    public var duration: String?
    public var when: String
    public var directory: String?
    /// The last lines of the captured output, escapes removed.
    public var output: [String]
    /// Said instead of output, or about it (`no output captured`, `output of the run 3d ago`).
    public var note: String?

    public init(status: String, failed: Bool = false, duration: String? = nil, when: String, directory: String? = nil,
                output: [String] = [], note: String? = nil) {
        (self.status, self.failed, self.duration, self.when, self.directory, self.output, self.note) =
            (status, failed, duration, when, directory, output, note)
    }
}

/// One frame of the picker as `height` lines of at most `width` columns each (SGR colour only, no cursor
/// movement): the query line, the matching lines (newest or best first), an info line about the selected
/// record, and the last lines of its output. Lines are cut with `…`, never wrapped; widths are display
/// widths (CJK two columns, combining marks none).
public struct PickFrame {
    public var width: Int
    public var height: Int
    /// The current time in microseconds since the epoch, for ages.
    public var now: Int64
    /// Replaces the query line's right side (a question, an error).
    public var message: String?
    public var colour = true

    public init(width: Int, height: Int, now: Int64, message: String? = nil, colour: Bool = true) {
        (self.width, self.height, self.now, self.message, self.colour) = (width, height, now, message, colour)
    }

    /// Rows of the list for this height (the rest is the query line, the info line and the preview).
    public var listRows: Int { max(height - 2 - previewRows, 1) }
    public var previewRows: Int { height >= 6 ? (height - 2) * 2 / 5 : 0 }

    /// The first visible match when `selected` must be visible in a list of `listRows` rows.
    public func firstVisible(selected: Int, previousFirst: Int) -> Int {
        if selected < previousFirst { return selected }
        if selected >= previousFirst + listRows { return selected - listRows + 1 }
        return previousFirst
    }

    /// The frame's lines; the cursor belongs at column `cursorColumn` of line 0.
    public func render(_ model: PickModel, first: Int, preview: PickPreview?) -> (lines: [String], cursorColumn: Int) {
        var lines: [String] = []
        let prompt = "❯ "
        let query = Self.visible(model.queryText)
        let right = message ?? "\(model.mode.rawValue) · \(model.filter.rawValue)  \(model.matchCount)/\(model.distinctCount)"
        let rightWidth = min(right.displayWidth, max(width - prompt.count - 1, 0))
        let queryWidth = max(width - 2 - rightWidth - 1, 0)
        let shownQuery = query.displayWidth > queryWidth ? String(query.suffix(max(queryWidth - 1, 0))) : query
        let left = prompt + shownQuery
        let gap = max(width - left.displayWidth - rightWidth, 0)
        lines.append(bold(prompt) + shownQuery + String(repeating: " ", count: gap) + dim(right.truncated(toWidth: rightWidth)))
        let cursorColumn = left.displayWidth
        for index in first..<(first + listRows) {
            guard index < model.matchCount else { lines.append(""); continue }
            lines.append(row(model, index: index, selected: index == model.selected))
        }
        lines.append(infoLine(preview))
        let output = preview?.output ?? []
        let shown = output.suffix(previewRows)
        for text in shown { lines.append("  " + Self.visible(text).truncated(toWidth: max(width - 2, 0))) }
        if shown.isEmpty && previewRows > 0, let note = preview?.note {
            lines.append(dim("  " + note.truncated(toWidth: max(width - 2, 0))))
        }
        while lines.count < height { lines.append("") }
        return (Array(lines.prefix(height)), min(cursorColumn, max(width - 1, 0)))
    }

    private func row(_ model: PickModel, index: Int, selected: Bool) -> String {
        let line = model.line(at: index)
        let count = model.count(of: line)
        let latest = model.latestRow(of: line)
        let failed = model.history.rowFailed[latest]
        let meta = (count > 1 ? "×\(count) " : "") + Self.age(micros: now - model.history.rowStarted[latest])
        let metaWidth = meta.displayWidth
        let marker = selected ? "❯ " : "  "
        let room = max(width - 2 - metaWidth - 1, 1)
        let command = Self.visible(model.history.text(of: line)).truncated(toWidth: room)
        let pad = max(width - 2 - command.displayWidth - metaWidth, 1)
        let text = command + String(repeating: " ", count: pad)
        let shownMeta = failed ? red(meta) : dim(meta)
        if selected { return bold(marker) + reverse(text) + shownMeta }
        return marker + text + shownMeta
    }

    private func infoLine(_ preview: PickPreview?) -> String {
        guard let preview else { return dim(String(repeating: "─", count: width)) }
        var parts = [preview.status]
        if let duration = preview.duration { parts.append(duration) }
        parts.append(preview.when)
        if let directory = preview.directory { parts.append(directory) }
        let body = "── " + parts.joined(separator: " · ") + " "
        let cut = body.truncated(toWidth: width)
        let fill = String(repeating: "─", count: max(width - cut.displayWidth, 0))
        return preview.failed ? red(cut + fill) : dim(cut + fill)
    }

    /// A command line or output line as it can be shown on one row: newlines as `↵`, tabs as a space,
    /// other control characters as `?`.
    public static func visible(_ text: String) -> String {
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 10: out += "↵"
            case 9: out += " "
            case 0..<0x20, 0x7F: out += "?"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `12s`, `5m`, `3h`, `4d`, `6w`, `2y` ago.
    public static func age(micros: Int64) -> String {
        let seconds = max(micros / 1_000_000, 0)
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86_400 { return "\(seconds / 3600)h" }
        if seconds < 7 * 86_400 { return "\(seconds / 86_400)d" }
        if seconds < 365 * 86_400 { return "\(seconds / (7 * 86_400))w" }
        return "\(seconds / (365 * 86_400))y"
    }

    private func sgr(_ code: String, _ text: String) -> String { colour && !text.isEmpty ? "\u{1B}[\(code)m" + text + "\u{1B}[0m" : text }
    private func bold(_ text: String) -> String { sgr("1", text) }
    private func dim(_ text: String) -> String { sgr("2", text) }
    private func red(_ text: String) -> String { sgr("31", text) }
    private func reverse(_ text: String) -> String { sgr("7", text) }
}
