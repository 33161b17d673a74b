/// Text from a trace, a deployment or a result file (function names, app names, target ids,
/// notes) made safe for GitHub-flavoured markdown: in a paragraph or a table cell it shows as the
/// same characters and nothing else — no table break, no HTML, no link, image, emphasis,
/// heading, mention or issue reference, and no invisible character: bidi controls, zero-width
/// and other invisible format characters show as their code point, `<U+202E>`
/// (`InvisibleText.reveal`), so a name cannot read as another.
public enum Markdown {
    /// Zero-width space: splits what GitHub would otherwise turn into a link or a mention.
    static let breaker: Character = "\u{200B}"

    /// The text escaped; line breaks and control characters become spaces.
    public static func escape(_ raw: String) -> String {
        // Revealed first: `<U+202E>` is then escaped like any other text.
        let text = InvisibleText.reveal(raw)
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        var previous: Character?
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "`", "*", "_", "{", "}", "[", "]", "(", ")", "+", "-", ".", "!", "|", "~", "\"", "'", "$", "=", "^":
                out.append("\\"); out.append(ch)
            case "#":
                // GitHub links `#12` and `owner/repo#12` after markdown is parsed, so the backslash
                // alone does not stop it; the zero-width space does.
                out.append("\\"); out.append(ch); out.append(breaker)
            case "@", ":":
                // `@name` mentions, `x@y.z` and `scheme://` autolinks: a zero-width space after
                // the character keeps the text and breaks the pattern.
                out.append(ch); out.append(breaker)
            default:
                if ch.isNewline || ch.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) }) {
                    out.append(" ")
                } else if ch == "w" || ch == "W", previous == "w" || previous == "W" {
                    // `www.` autolinks: break every run of w's.
                    out.append(breaker); out.append(ch)
                } else {
                    out.append(ch)
                }
            }
            previous = ch
        }
        return out
    }
}
