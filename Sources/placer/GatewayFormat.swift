import Formatting
import TerminalText

/// The names the gateway's CLI files (GatewaySupport) still call: columns from `Columns`, the
/// short figure from `Numbers`. Goes with those files' rewrite on AsyncHTTPClient.
enum Format {
    static func pad(_ text: String, _ width: Int) -> String { Columns.pad(text, width) }
    static func padLeft(_ text: String, _ width: Int) -> String { Columns.padLeft(text, width) }
    static func number(_ value: Double) -> String { Numbers.number(value, .significant) }
}
