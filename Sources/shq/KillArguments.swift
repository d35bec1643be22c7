import ShqSystem

/// `shq kill -TERM ID`, `shq kill -9 ID`: the shell's signal-as-flag style, which the argument parser
/// would read as a cluster of short options (-T -E -R -M) or a negative number. Rewritten to
/// `--signal NAME` before parsing; every other command line is left untouched.
enum KillArguments {
    static func normalized(_ arguments: [String]) -> [String] {
        guard arguments.first == "kill" else { return arguments }
        var result = ["kill"]
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            if argument == "--" {
                result.append(argument)
                result += rest
                break
            }
            if argument.hasPrefix("-"), !argument.hasPrefix("--"), argument.count > 2 || argument.last!.isNumber,
               SignalName.number(String(argument.dropFirst())) != nil {
                result += ["--signal", String(argument.dropFirst())]
            } else {
                result.append(argument)
            }
        }
        return result
    }
}
