import Foundation
import Results

/// Text from outside the report's own words (trace, deployment, catalog) for markdown: left as
/// it is when it holds only characters that can form no markup (letters, digits, spaces and
/// `- . , / ( ) % ' ; +`, with no `www` or `://` to autolink), otherwise through
/// `Markdown.escape`, so a hostile name shows as its characters and nothing else.
enum Text {
    static func md(_ text: String) -> String {
        guard isInert(text) else { return Markdown.escape(text) }
        return text
    }

    static func isInert(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard !lower.contains("www"), !lower.contains("://") else { return false }
        return text.unicodeScalars.allSatisfy { s in
            if s.isASCII {
                let c = Character(s)
                return c.isLetter || c.isNumber || " -.,/()%';+".contains(c)
            }
            // Letters and digits of other scripts; no symbols, spaces or controls.
            return s.properties.isAlphabetic || s.properties.numericType != nil
        }
    }
}
