import Foundation
import Results

/// Text from outside the report's own words (trace, deployment, catalog, result file) for markdown: left as
/// it is when it holds only characters that can form no markup (letters, digits, spaces and
/// `- . , / ( ) % ' ; +`, and `:` before a space, with no `www` or `://` to autolink), otherwise through
/// `Markdown.escape`, so a hostile name shows as its characters and nothing else.
enum Text {
    static func md(_ text: String) -> String {
        guard isInert(text) else {
            return Markdown.escape(text)
        }
        return text
    }

    /// A function or app name for a table: anonymised hashes (32 or more hex digits, as in the
    /// Azure traces) cut to their first 12 digits, which tell them apart in practice.
    static func name(_ text: String) -> String {
        if text.count >= 32, text.allSatisfy(\.isHexDigit) { return String(text.prefix(12)) + "…" }
        return md(text)
    }

    /// `app/function` with both parts as `name` shows them.
    static func id(app: String, function: String) -> String { name(app) + "/" + name(function) }

    static func isInert(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard !lower.contains("www"), !lower.contains("://") else { return false }
        let scalars = Array(text.unicodeScalars)
        // One `$` is an amount; two could open and close inline math.
        let dollars = scalars.filter { $0 == "$" }.count
        return scalars.indices.allSatisfy { i in
            let s = scalars[i]
            if s.isASCII {
                let c = Character(s)
                // A colon only before a space or at the end: never an `:emoji:` code or a scheme.
                if c == ":" { return i + 1 == scalars.count || scalars[i + 1] == " " }
                if c == "$" { return dollars == 1 }
                return c.isLetter || c.isNumber || " -.,/()%';+".contains(c)
            }
            // Letters and digits of other scripts; no symbols, spaces, controls, or letters that
            // draw nothing (Hangul fillers are alphabetic and invisible).
            return !InvisibleText.isInvisible(s) && (s.properties.isAlphabetic || s.properties.numericType != nil)
        }
    }
}
